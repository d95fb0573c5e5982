using System.Net.Sockets;
using Grpc.Net.Client;

namespace FakeCri;

/// <summary>
/// Client-side plumbing for the network doors: a <see cref="GrpcChannel"/> or a bare
/// <see cref="HttpMessageHandler"/> that reaches a CRI endpoint over a unix socket or TCP. Works against any CRI
/// runtime, not only FakeCri.
/// </summary>
public static class FakeCriChannel
{
    /// <summary>Opens a channel to <paramref name="endpoint"/>; dispose it when done.</summary>
    public static GrpcChannel ForEndpoint(FakeCriEndpoint endpoint, GrpcChannelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        options ??= new GrpcChannelOptions();
        options.HttpHandler ??= CreateHandler(endpoint);
        options.DisposeHttpClient = true;
        return GrpcChannel.ForAddress(AddressOf(endpoint), options);
    }

    /// <summary>
    /// An HTTP/2 handler that connects to <paramref name="endpoint"/>, for clients generated from another copy of
    /// the CRI proto. Use it with <see cref="AddressOf"/>.
    /// </summary>
    public static HttpMessageHandler CreateHandler(FakeCriEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true };
        if (endpoint.Kind == FakeCriEndpointKind.Unix)
        {
            var path = endpoint.SocketPath!;
            handler.ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }

        return handler;
    }

    /// <summary>
    /// The HTTP address a channel to <paramref name="endpoint"/> uses: <c>http://ip:port</c> for TCP, and
    /// <c>http://localhost</c> for a unix socket (the handler ignores it and dials the socket).
    /// </summary>
    public static Uri AddressOf(FakeCriEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (endpoint.Kind == FakeCriEndpointKind.Unix)
        {
            return new Uri("http://localhost");
        }

        var host = endpoint.Address!.AddressFamily == AddressFamily.InterNetworkV6
            ? $"[{endpoint.Address}]"
            : endpoint.Address.ToString();
        return new Uri($"http://{host}:{endpoint.Port}");
    }
}
