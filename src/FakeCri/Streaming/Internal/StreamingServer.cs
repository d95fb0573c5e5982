using System.Net;
using FakeCri.Cri.V1;
using FakeCri.Hosting.Internal;
using FakeCri.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FakeCri.Streaming.Internal;

/// <summary>
/// The runtime's streaming server, as containerd embeds one: plain HTTP on loopback (ephemeral port by default),
/// started on the first Exec/Attach/PortForward so fakes that never stream open no port. Serves
/// <c>/exec/{token}</c>, <c>/attach/{token}</c> and <c>/portforward/{token}</c> for GET and POST, over WebSocket or SPDY/3.1; an unknown, used or expired token is 404.
/// </summary>
internal sealed class StreamingServer : IAsyncDisposable
{
    private readonly EmulatedRuntime _runtime;
    private readonly IPAddress _address;
    private readonly int _port;
    private readonly ILoggerFactory _loggerFactory;
    private readonly SemaphoreSlim _starting = new(1, 1);
    private WebApplication? _app;
    private Uri? _baseUrl;

    public StreamingServer(EmulatedRuntime runtime, IPAddress address, int port, ILoggerFactory loggerFactory)
    {
        _runtime = runtime;
        _address = address;
        _port = port;
        _loggerFactory = loggerFactory;
    }

    public async Task<Uri> EnsureStartedAsync(CancellationToken cancellationToken)
    {
        if (_baseUrl is { } ready)
        {
            return ready;
        }

        await _starting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_baseUrl is null)
            {
                var builder = CriHost.CreateBuilder("FakeCri.Streaming", _loggerFactory);
                ListenOptions? bound = null;
                builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
                {
                    kestrel.AddServerHeader = false;
                    kestrel.Listen(_address, _port, listen =>
                    {
                        listen.Protocols = HttpProtocols.Http1;
                        bound = listen;
                    });
                });
                builder.Services.AddRouting();
                var app = builder.Build();
                app.UseWebSockets();
                app.UseRouting();
                app.MapMethods("/exec/{token}", ["GET", "POST"], ServeExecAsync);
                app.MapMethods("/attach/{token}", ["GET", "POST"], ServeAttachAsync);
                app.MapMethods("/portforward/{token}", ["GET", "POST"], ServePortForwardAsync);
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
                _app = app;
                var port = bound?.IPEndPoint?.Port ?? _port;
                var host = _address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{_address}]" : _address.ToString();
                _baseUrl = new Uri($"http://{host}:{port}/");
            }

            return _baseUrl;
        }
        finally
        {
            _starting.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
        {
            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }

        _starting.Dispose();
    }

    private Task ServePortForwardAsync(HttpContext http, string token) =>
        ServeAsync<PortForwardRequest>(http, token, async forward =>
        {
            if (_runtime.PortForwardTarget(forward.PodSandboxId) is not { } target)
            {
                http.Response.StatusCode = StatusCodes.Status500InternalServerError;
                await http.Response.WriteAsync($"sandbox {forward.PodSandboxId} is not running").ConfigureAwait(false);
                return;
            }

            await (http.WebSockets.IsWebSocketRequest
                ? WebSocketPortForward.ForwardAsync(http, target.Address, target.SandboxId, [.. forward.Port])
                : SpdyPortForward.ForwardAsync(http, target.Address, target.SandboxId)).ConfigureAwait(false);
        });

    private Task ServeAttachAsync(HttpContext http, string token) =>
        ServeAsync<AttachRequest>(http, token, attach => http.WebSockets.IsWebSocketRequest
            ? WebSocketRemoteCommand.AttachAsync(http, _runtime, attach)
            : SpdyRemoteCommand.AttachAsync(http, _runtime, attach));

    private Task ServeExecAsync(HttpContext http, string token) =>
        ServeAsync<ExecRequest>(http, token, exec => http.WebSockets.IsWebSocketRequest
            ? WebSocketRemoteCommand.ExecAsync(http, _runtime, exec)
            : SpdyRemoteCommand.ExecAsync(http, _runtime, exec));

    /// <summary>
    /// Redeems the token (once: a used, unknown or expired token, or one issued for another kind of stream, is 404)
    /// and hands the request to <paramref name="serve"/>, which speaks WebSocket or SPDY/3.1 as the client asked.
    /// </summary>
    private async Task ServeAsync<TRequest>(HttpContext http, string token, Func<TRequest, Task> serve)
        where TRequest : class
    {
        if (!_runtime.TryRedeemStreamingToken(token, out var request) || request is not TRequest stored)
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        await serve(stored).ConfigureAwait(false);
    }
}
