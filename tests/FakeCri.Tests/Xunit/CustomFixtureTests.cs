using FakeCri.Cri.V1;
using FakeCri.Xunit;

namespace FakeCri.Tests.Xunit;

/// <summary>A fixture subclass that overrides <c>CreateOptions</c> starts its fake with those options.</summary>
public sealed class CustomFixtureTests : IClassFixture<CustomFixtureTests.KataFixture>
{
    private readonly KataFixture _cri;

    public CustomFixtureTests(KataFixture cri)
    {
        _cri = cri;
    }

    [Fact]
    public async Task Status_OverriddenOptions_ReportsTheFixturesHandlers()
    {
        var status = await _cri.RuntimeClient.StatusAsync(new StatusRequest(), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(["", "kata", "runc"], status.RuntimeHandlers.Select(h => h.Name));
        Assert.Equal(7, _cri.Server.Options.Seed);
    }

    [Fact]
    public void Options_StartedFromBaseOptions_KeepTheTestOutputLogging()
    {
        Assert.NotNull(_cri.Server.Options.LoggerFactory);
    }

    /// <summary>The documented way to customise: start from <c>base.CreateOptions()</c>.</summary>
    public sealed class KataFixture : FakeCriFixture
    {
        protected override FakeCriOptions CreateOptions() => base.CreateOptions().WithSeed(7).WithRuntimeHandlers("runc", "kata");
    }
}
