using FakeCri.Cri.V1;
using FakeCri.Hosting.Internal;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace FakeCri.Benchmarks.Hosting;

/// <summary>
/// The no-op floor behind each door, hosted as <see cref="FakeCriServer"/> hosts the fake: the direct door uses
/// FakeCri's own <see cref="DirectServiceBinder"/> and <see cref="DirectCallInvoker"/>; the HTTP/2 doors use the
/// same <see cref="CriHost"/> settings (empty builder, embedded lifetime, gRPC message limits, TestServer with the
/// execution context preserved, or Kestrel HTTP/2-only on a unix socket with the authority rewriter). Only the
/// services differ: no-op ones, and no FakeCri interceptors (journal, status translation, faults), whose cost is
/// FakeCri's and so belongs in the fake's figure.
/// </summary>
public static class FloorHost
{
    public static CallInvoker StartDirect(CannedResponses canned)
    {
        var binder = new DirectServiceBinder([]);
        RuntimeService.BindService(binder, new NoOpRuntimeService(canned));
        ImageService.BindService(binder, new NoOpImageService(canned));
        return new DirectCallInvoker(binder);
    }

    /// <summary>Starts the floor on <paramref name="door"/> (TestHost or UnixSocket); returns a channel to it and how to stop it.</summary>
    public static async Task<(GrpcChannel Channel, Func<ValueTask> Stop)> StartAsync(Door door, CannedResponses canned)
    {
        var builder = CriHost.CreateBuilder("FakeCri.Floor", NullLoggerFactory.Instance);
        builder.Services.AddSingleton(new NoOpRuntimeService(canned));
        builder.Services.AddSingleton(new NoOpImageService(canned));
        builder.Services.AddGrpc(CriHost.ConfigureGrpc);
        builder.Services.AddGrpcReflection();

        FakeCriEndpoint? endpoint = null;
        if (door == Door.TestHost)
        {
            CriHost.UseInProcess(builder);
        }
        else if (door == Door.UnixSocket)
        {
            endpoint = FakeCriEndpoint.Unix(BenchPaths.NewSocket());
            UnixSocketFile.PrepareForBind(endpoint);
            CriHost.UseSockets(builder, [endpoint]);
        }
        else
        {
            throw new ArgumentOutOfRangeException(nameof(door), door, "the direct floor has no host: use StartDirect");
        }

        var app = builder.Build();
        app.UseRouting();
        app.MapGrpcService<NoOpRuntimeService>();
        app.MapGrpcService<NoOpImageService>();
        app.MapGrpcReflectionService();
        await app.StartAsync();

        var channel = endpoint is null
            ? GrpcChannel.ForAddress(app.GetTestServer().BaseAddress, new GrpcChannelOptions { HttpHandler = app.GetTestServer().CreateHandler(), DisposeHttpClient = true })
            : FakeCriChannel.ForEndpoint(endpoint);
        return (channel, async () =>
        {
            channel.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
            if (endpoint is not null)
            {
                UnixSocketFile.RemoveOwned(endpoint.SocketPath!);
            }
        }
        );
    }
}
