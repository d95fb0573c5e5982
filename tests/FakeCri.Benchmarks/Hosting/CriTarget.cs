using FakeCri.Cri.V1;
using Grpc.Core;

namespace FakeCri.Benchmarks.Hosting;

/// <summary>A server under measurement behind one door — FakeCri or the no-op floor — and clients for it.</summary>
public sealed class CriTarget : IAsyncDisposable
{
    private readonly Func<ValueTask> _stop;

    private CriTarget(CallInvoker invoker, FakeCriServer? fake, Func<ValueTask> stop)
    {
        Runtime = new RuntimeService.RuntimeServiceClient(invoker);
        Images = new ImageService.ImageServiceClient(invoker);
        Fake = fake;
        _stop = stop;
    }

    public RuntimeService.RuntimeServiceClient Runtime { get; }

    public ImageService.ImageServiceClient Images { get; }

    /// <summary>The fake's server (for setting state up without RPCs); null for the floor.</summary>
    public FakeCriServer? Fake { get; }

    public static async Task<CriTarget> StartFakeAsync(Door door, FakeCriOptions? options = null)
    {
        options ??= FakeCriOptions.Default;
        var fake = door == Door.UnixSocket
            ? await FakeCriServer.StartAsync(options with { Listen = [FakeCriEndpoint.Unix(BenchPaths.NewSocket())] })
            : await FakeCriServer.StartInProcessAsync(options);
        var invoker = door == Door.Direct ? fake.DirectCallInvoker : fake.Channel.CreateCallInvoker();
        return new CriTarget(invoker, fake, fake.DisposeAsync);
    }

    public static async Task<CriTarget> StartFloorAsync(Door door, CannedResponses canned)
    {
        if (door == Door.Direct)
        {
            return new CriTarget(FloorHost.StartDirect(canned), null, () => ValueTask.CompletedTask);
        }

        var (channel, stop) = await FloorHost.StartAsync(door, canned);
        return new CriTarget(channel.CreateCallInvoker(), null, stop);
    }

    public ValueTask DisposeAsync() => _stop();
}
