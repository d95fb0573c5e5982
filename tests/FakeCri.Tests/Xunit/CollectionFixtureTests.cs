using FakeCri.Cri.V1;
using FakeCri.Xunit;

namespace FakeCri.Tests.Xunit;

/// <summary>One <see cref="FakeCriFixture"/> for every class of the collection.</summary>
[CollectionDefinition(Name)]
public sealed class SharedFakeCriCollection : ICollectionFixture<FakeCriFixture>
{
    public const string Name = "FakeCri.Xunit shared fake";

    // Set by whichever test of the collection runs first; the others compare with it.
    internal static FakeCriServer? FirstSeen;

    internal static async Task AssertSharedAndAnsweringAsync(FakeCriFixture cri)
    {
        var first = Interlocked.CompareExchange(ref FirstSeen, cri.Server, null) ?? cri.Server;

        var status = await cri.RuntimeClient.StatusAsync(new StatusRequest(), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Same(first, cri.Server);
        Assert.All(status.Status.Conditions, condition => Assert.True(condition.Status));
    }
}

[Collection(SharedFakeCriCollection.Name)]
public sealed class CollectionFixtureFirstTests(FakeCriFixture cri)
{
    [Fact]
    public Task Status_FirstClassOfTheCollection_SharesOneRunningFake() => SharedFakeCriCollection.AssertSharedAndAnsweringAsync(cri);
}

[Collection(SharedFakeCriCollection.Name)]
public sealed class CollectionFixtureSecondTests(FakeCriFixture cri)
{
    [Fact]
    public Task Status_SecondClassOfTheCollection_SharesOneRunningFake() => SharedFakeCriCollection.AssertSharedAndAnsweringAsync(cri);
}
