using FakeCri.Cri.V1;
using FakeCri.Xunit;

namespace FakeCri.Tests.Xunit;

/// <summary>A fake of the test's own, through the fixture made by hand or through the logger factory alone.</summary>
public sealed class PerTestFixtureTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task InitializeAsync_FixtureMadeInTheTest_StartsAFakeThatAnswers()
    {
        await using var cri = new FakeCriFixture();
        await cri.InitializeAsync();

        var version = await cri.RuntimeClient.VersionAsync(new VersionRequest(), cancellationToken: Cancel);

        Assert.Equal("fakecri", version.RuntimeName);
    }

    [Fact]
    public async Task Server_BeforeInitializeAsync_ThrowsSayingItIsNotRunning()
    {
        await using var cri = new FakeCriFixture();

        var error = Assert.Throws<InvalidOperationException>(() => cri.Server);

        Assert.Contains("not running", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisposeAsync_AfterInitializeAsync_StopsTheFake()
    {
        var cri = new FakeCriFixture();
        await cri.InitializeAsync();

        await cri.DisposeAsync();

        Assert.Throws<InvalidOperationException>(() => cri.Server);
    }

    [Fact]
    public async Task StartInProcessAsync_WithXunitLogging_Answers()
    {
        using var logging = XunitLogging.CreateLoggerFactory();
        await using var cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default.WithLoggerFactory(logging), Cancel);

        var status = await cri.RuntimeClient.StatusAsync(new StatusRequest(), cancellationToken: Cancel);

        Assert.All(status.Status.Conditions, condition => Assert.True(condition.Status));
    }
}
