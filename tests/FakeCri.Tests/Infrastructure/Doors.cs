using FakeCri.Cri.V1;

namespace FakeCri.Tests.Infrastructure;

/// <summary>Starts a fake behind a given door, so one test body can run over all of them.</summary>
public static class Doors
{
    public static TheoryData<Door> All => new(Door.InProcess, Door.UnixSocket, Door.Tcp);

    public static TheoryData<Door> Network => new(Door.UnixSocket, Door.Tcp);

    /// <summary>Every door, including the direct invoker: for conformance tests that use <see cref="Clients"/>.</summary>
    public static TheoryData<Door> Conformance => new(Door.InProcess, Door.Direct, Door.UnixSocket, Door.Tcp);

    /// <summary>The CRI clients a test should use for <paramref name="door"/>.</summary>
    public static (RuntimeService.RuntimeServiceClient Runtime, ImageService.ImageServiceClient Images) Clients(FakeCriServer cri, Door door) =>
        door == Door.Direct
            ? (new RuntimeService.RuntimeServiceClient(cri.DirectCallInvoker), new ImageService.ImageServiceClient(cri.DirectCallInvoker))
            : (cri.RuntimeClient, cri.ImageClient);

    public static Task<FakeCriServer> StartAsync(Door door, FakeCriOptions? options = null)
    {
        options ??= FakeCriOptions.Default;
        return door switch
        {
            Door.InProcess or Door.Direct => FakeCriServer.StartInProcessAsync(options, TestContext.Current.CancellationToken),
            Door.UnixSocket => FakeCriServer.StartAsync(
                options with { Listen = [FakeCriEndpoint.Unix(TempSocket.NewPath())] },
                TestContext.Current.CancellationToken),
            Door.Tcp => FakeCriServer.StartAsync(
                options with { Listen = [FakeCriEndpoint.Tcp(0)] },
                TestContext.Current.CancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(door)),
        };
    }
}
