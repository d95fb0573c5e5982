using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;

namespace FakeCri.Streaming.Internal;

/// <summary>
/// Port forwarding over WebSocket: the ports come from the PortForward request; the i-th port uses channel 2i for
/// data and 2i+1 for errors, and each channel's first frame carries the port as two little-endian bytes. Data is
/// copied to and from a TCP connection to the pod's address, where emulated servers listen for real.
/// </summary>
internal static class WebSocketPortForward
{
    public static readonly string[] Protocols = ["v4.channel.k8s.io", "v4.base64.channel.k8s.io"];

    public static async Task ForwardAsync(HttpContext http, IPAddress podAddress, string sandboxId, IReadOnlyList<int> ports)
    {
        if (await ChannelFraming.AcceptAsync(http, Protocols).ConfigureAwait(false) is not var (socket, protocol))
        {
            return;
        }

        using var owned = socket;
        var base64 = ChannelFraming.IsBase64(protocol);
        var outgoing = Channel.CreateUnbounded<(byte Channel, byte[] Data)>(new UnboundedChannelOptions { SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        var connections = new TcpClient?[ports.Count];
        for (var i = 0; i < ports.Count; i++)
        {
            var port = BitConverter.GetBytes((ushort)ports[i]);
            outgoing.Writer.TryWrite(((byte)(2 * i), port));
            outgoing.Writer.TryWrite(((byte)((2 * i) + 1), port));
            var (client, error) = await PodPortDialer.ConnectAsync(podAddress, sandboxId, ports[i], stop.Token).ConfigureAwait(false);
            if (client is not null)
            {
                connections[i] = client;
                _ = PumpFromPodAsync(client, (byte)(2 * i), outgoing.Writer, stop.Token);
            }
            else
            {
                outgoing.Writer.TryWrite(((byte)((2 * i) + 1), Encoding.UTF8.GetBytes(error!)));
            }
        }

        var sender = SendAllAsync(socket, outgoing.Reader, base64, stop.Token);
        try
        {
            await ReceiveAllAsync(socket, connections, base64, stop.Token).ConfigureAwait(false);
        }
        finally
        {
            outgoing.Writer.TryComplete();
            await stop.CancelAsync().ConfigureAwait(false);
            await sender.ConfigureAwait(false);
            foreach (var connection in connections)
            {
                connection?.Dispose();
            }
        }
    }

    private static async Task PumpFromPodAsync(TcpClient client, byte channel, ChannelWriter<(byte, byte[])> outgoing, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            var stream = client.GetStream();
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                outgoing.TryWrite((channel, buffer[..read]));
            }
        }
        catch (Exception error) when (error is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The pod side or the client went away.
        }
    }

    private static async Task SendAllAsync(WebSocket socket, ChannelReader<(byte Channel, byte[] Data)> outgoing, bool base64, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var (channel, data) in outgoing.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                await ChannelFraming.SendAsync(socket, base64, channel, data, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception error) when (error is WebSocketException or OperationCanceledException)
        {
            // The client went away.
        }
    }

    private static async Task ReceiveAllAsync(WebSocket socket, TcpClient?[] connections, bool base64, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        var message = new MemoryStream();
        try
        {
            while (await ChannelFraming.ReceiveAsync(socket, base64, buffer, message, cancellationToken).ConfigureAwait(false) is { } bytes)
            {
                // Data channels are even; the first frame a client sends on one may repeat the port header, which
                // kubectl's WebSocket port-forward does not, so everything after the channel byte is payload.
                if (bytes.Length > 1 && bytes[0] % 2 == 0 && bytes[0] / 2 < connections.Length && connections[bytes[0] / 2] is { } connection)
                {
                    await connection.GetStream().WriteAsync(bytes.AsMemory(1), cancellationToken).ConfigureAwait(false);
                }
            }

            if (socket.State == WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, string.Empty, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception error) when (error is WebSocketException or IOException or OperationCanceledException)
        {
            // The client went away.
        }
    }
}
