using System.Net;
using System.Net.Sockets;

namespace FakeCri.Streaming.Internal;

/// <summary>
/// Port forwarding's runtime half, shared by both transports: a TCP connection to a port of the pod (its loopback
/// pod IP, where emulated servers listen for real), or the error text a runtime writes on the error stream when
/// nothing listens there.
/// </summary>
internal static class PodPortDialer
{
    public static async Task<(TcpClient? Connection, string? Error)> ConnectAsync(
        IPAddress podAddress, string sandboxId, int port, CancellationToken cancellationToken)
    {
        var client = new TcpClient(podAddress.AddressFamily);
        try
        {
            await client.ConnectAsync(podAddress, port, cancellationToken).ConfigureAwait(false);
            return (client, null);
        }
        catch (SocketException error)
        {
            client.Dispose();
            return (null, $"error forwarding port {port} to pod {sandboxId}, uid : failed to connect to localhost:{port} inside namespace \"{sandboxId}\", IPv4: dial tcp4 {podAddress}:{port}: connect: {error.Message.ToLowerInvariant()}");
        }
    }
}
