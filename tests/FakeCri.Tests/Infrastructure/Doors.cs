namespace FakeCri.Tests.Infrastructure;

/// <summary>Starts a fake behind a given door, so one test body can run over all of them.</summary>
public static class Doors
{
    public static TheoryData<Door> All => new(Door.InProcess, Door.UnixSocket, Door.Tcp);

    public static TheoryData<Door> Network => new(Door.UnixSocket, Door.Tcp);

    public static Task<FakeCriServer> StartAsync(Door door, FakeCriOptions? options = null)
    {
        options ??= FakeCriOptions.Default;
        return door switch
        {
            Door.InProcess => FakeCriServer.StartInProcessAsync(options, TestContext.Current.CancellationToken),
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
