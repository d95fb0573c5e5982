using FakeCri;
using FakeCri.Cri.V1;

namespace Quickstart;

/// <summary>A fake of the test's own: started in the test, stopped when the test ends.</summary>
public sealed class InProcessTests
{
    // README.md's in-process snippet, plus the test's cancellation token on each call.
    [Fact]
    public async Task Version_InProcessFake_NamesFakeCriAndIsReady()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: cancel);

        var version = await cri.RuntimeClient.VersionAsync(new VersionRequest(), cancellationToken: cancel);
        var status = await cri.RuntimeClient.StatusAsync(new StatusRequest(), cancellationToken: cancel);

        Assert.Equal("fakecri", version.RuntimeName);
        Assert.All(status.Status.Conditions, condition => Assert.True(condition.Status));
    }
}
