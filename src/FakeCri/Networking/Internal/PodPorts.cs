using System.Net;
using System.Net.Sockets;
using System.Text;
using FakeCri.Cri.V1;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;

namespace FakeCri.Networking.Internal;

/// <summary>
/// Where a container's emulated servers really listen: the pod IP (loopback, from the pod CIDR) or 127.0.0.1 on the
/// host network, plus every <c>port_mappings</c> host port that forwards to the same container port.
/// </summary>
/// <remarks>
/// Listening sockets are bound synchronously when the server starts and closed synchronously when its process is
/// killed, so "the port answers exactly while the container runs" holds the moment StartContainer or StopContainer
/// returns — a client never races the emulation. That is why this is a plain socket responder rather than a Kestrel
/// host, whose start and stop are asynchronous.
/// </remarks>
internal sealed class PodPorts
{
    private readonly IPAddress _address;
    private readonly IReadOnlyList<PortMapping> _mappings;
    private readonly ILogger _logger;

    public PodPorts(IPAddress address, IReadOnlyList<PortMapping> mappings, ILoggerFactory loggerFactory)
    {
        _address = address;
        _mappings = mappings;
        _logger = loggerFactory.CreateLogger<PodPorts>();
    }

    /// <summary>
    /// Serves HTTP/1.1 on <paramref name="port"/> (and its host ports) until <paramref name="stop"/> is cancelled or
    /// the result is disposed, answering each request with what <paramref name="respond"/> gives for its path. A port
    /// that cannot be bound is logged and skipped: the container keeps running.
    /// </summary>
    public IDisposable ServeHttp(int port, string serverHeader, Func<string, (int Status, string Body)> respond, CancellationToken stop)
    {
        var endpoints = new List<IPEndPoint> { new(_address, port) };
        endpoints.AddRange(_mappings
            .Where(m => m.ContainerPort == port && m.HostPort > 0 && m.Protocol == Protocol.Tcp)
            .Select(m => new IPEndPoint(m.HostIp.Length > 0 && IPAddress.TryParse(m.HostIp, out var ip) ? ip : IPAddress.Loopback, m.HostPort)));

        var listeners = new List<TcpListener>();
        foreach (var endpoint in endpoints)
        {
            var listener = new TcpListener(endpoint);
            try
            {
                listener.Start();
                listeners.Add(listener);
                _ = AcceptAllAsync(listener, serverHeader, respond);
            }
            catch (SocketException error)
            {
                listener.Dispose();
                NetworkingLog.CannotListen(_logger, endpoint.ToString(), error.Message);
            }
        }

        var closing = new Closing(listeners);
        closing.Registration = stop.Register(closing.Dispose);
        return closing;
    }

    private static async Task AcceptAllAsync(TcpListener listener, string serverHeader, Func<string, (int Status, string Body)> respond)
    {
        try
        {
            while (true)
            {
                var client = await listener.AcceptTcpClientAsync().ConfigureAwait(false);
                _ = AnswerAsync(client, serverHeader, respond);
            }
        }
        catch (Exception error) when (error is SocketException or ObjectDisposedException or InvalidOperationException)
        {
            // The listener was closed: the server stopped.
        }
    }

    private static async Task AnswerAsync(TcpClient client, string serverHeader, Func<string, (int Status, string Body)> respond)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var request = new StringBuilder();
                var buffer = new byte[4096];
                while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal) && request.Length < 64 * 1024)
                {
                    var read = await stream.ReadAsync(buffer).ConfigureAwait(false);
                    if (read == 0)
                    {
                        return;
                    }

                    request.Append(Encoding.ASCII.GetString(buffer, 0, read));
                }

                var line = request.ToString()[..request.ToString().IndexOf("\r\n", StringComparison.Ordinal)].Split(' ');
                var path = line.Length > 1 ? line[1] : "/";
                var (status, text) = respond(path);
                var body = Encoding.UTF8.GetBytes(text);
                var head = $"HTTP/1.1 {status} {ReasonPhrases.GetReasonPhrase(status)}\r\nServer: {serverHeader}\r\nContent-Type: text/html\r\n"
                    + $"Content-Length: {body.Length}\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head)).ConfigureAwait(false);
                if (line[0] != "HEAD")
                {
                    await stream.WriteAsync(body).ConfigureAwait(false);
                }
            }
            catch (Exception error) when (error is IOException or SocketException or ObjectDisposedException)
            {
                // The client hung up.
            }
        }
    }

    private sealed class Closing(List<TcpListener> listeners) : IDisposable
    {
        private int _closed;

        public CancellationTokenRegistration Registration { get; set; }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _closed, 1) == 0)
            {
                foreach (var listener in listeners)
                {
                    listener.Stop();
                    listener.Dispose();
                }

                Registration.Dispose();
            }
        }
    }
}
