using FakeCri.Cri.V1;
using FakeCri.Xunit;

namespace FakeCri.Tests.Xunit;

/// <summary>
/// <see cref="FakeCriFixture"/> as a class fixture: every test of the class gets the same running fake. The tests
/// run in either order, so whichever runs first records what it saw and the other compares.
/// </summary>
public sealed class ClassFixtureTests : IClassFixture<FakeCriFixture>
{
    private static FakeCriServer? _firstSeen;
    private readonly FakeCriFixture _cri;

    public ClassFixtureTests(FakeCriFixture cri)
    {
        _cri = cri;
    }

    [Fact]
    public async Task Version_FirstTestOfTheClass_SharesOneRunningFake() => await AssertSharedAndAnsweringAsync();

    [Fact]
    public async Task Version_SecondTestOfTheClass_SharesOneRunningFake() => await AssertSharedAndAnsweringAsync();

    private async Task AssertSharedAndAnsweringAsync()
    {
        var first = Interlocked.CompareExchange(ref _firstSeen, _cri.Server, null) ?? _cri.Server;

        var version = await _cri.RuntimeClient.VersionAsync(new VersionRequest(), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Same(first, _cri.Server);
        Assert.True(_cri.Server.IsInProcess);
        Assert.Same(_cri.Server.Channel, _cri.Channel);
        Assert.Same(_cri.Server.ImageClient, _cri.ImageClient);
        Assert.Equal("fakecri", version.RuntimeName);
    }
}
