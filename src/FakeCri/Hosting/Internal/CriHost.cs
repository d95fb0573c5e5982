using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FakeCri.Hosting.Internal;

/// <summary>
/// The hosting every door shares, in one place so the benchmarks' no-op floor is hosted exactly like the fake: an
/// empty web application (no appsettings.json, no ASPNETCORE_* variables — a fake inside someone's test run must
/// not pick up that process's web configuration) with the embedded lifetime, then either the in-memory TestServer
/// or Kestrel speaking HTTP/2 without TLS on unix sockets and TCP.
/// </summary>
internal static class CriHost
{
    /// <summary>containerd allows 16 MiB messages: a busy node's ListContainers is large.</summary>
    public const int MaxMessageSize = 16 * 1024 * 1024;

    public static WebApplicationBuilder CreateBuilder(string applicationName, ILoggerFactory loggerFactory)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = applicationName });
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton<IHostLifetime, EmbeddedHostLifetime>();
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(5));
        return builder;
    }

    /// <summary>The gRPC options every door uses: message limits, then the caller's interceptors.</summary>
    public static void ConfigureGrpc(GrpcServiceOptions grpc)
    {
        grpc.MaxReceiveMessageSize = MaxMessageSize;
        grpc.MaxSendMessageSize = MaxMessageSize;
    }

    /// <summary>
    /// The in-process door. Calls run in the caller's execution context, as with the direct invoker: a test's log
    /// routing (AsyncLocal state such as xunit's TestContext) follows the call into the fake.
    /// </summary>
    public static void UseInProcess(WebApplicationBuilder builder) =>
        builder.WebHost.UseTestServer(test => test.PreserveExecutionContext = true);

    /// <summary>
    /// The socket doors: Kestrel on every endpoint, HTTP/2 only (kubelet and crictl speak h2c); unix sockets also
    /// get the authority rewriter old grpc-go clients need. <paramref name="bound"/> sees each endpoint's listen
    /// options (for the ports Kestrel picks).
    /// </summary>
    public static void UseSockets(WebApplicationBuilder builder, IEnumerable<FakeCriEndpoint> endpoints, Action<FakeCriEndpoint, ListenOptions>? bound = null)
    {
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            foreach (var endpoint in endpoints)
            {
                void Http2Only(ListenOptions listen)
                {
                    listen.Protocols = HttpProtocols.Http2;
                    bound?.Invoke(endpoint, listen);
                }

                if (endpoint.Kind == FakeCriEndpointKind.Unix)
                {
                    kestrel.ListenUnixSocket(endpoint.SocketPath!, listen =>
                    {
                        Http2Only(listen);
                        UnixAuthorityCompatibility.Install(listen);
                    });
                }
                else
                {
                    kestrel.Listen(endpoint.Address!, endpoint.Port, Http2Only);
                }
            }
        });
    }
}
