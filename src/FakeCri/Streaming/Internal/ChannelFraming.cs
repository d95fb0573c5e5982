using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace FakeCri.Streaming.Internal;

/// <summary>
/// What the WebSocket streaming protocols (remote command and port forwarding) share: choosing the subprotocol,
/// and the channel framing — a channel byte then the payload, or for the base64 variants an ASCII digit then base64.
/// </summary>
internal static class ChannelFraming
{
    /// <summary>
    /// Accepts the upgrade with the first protocol the client lists that is served (none requested: the legacy
    /// unversioned protocol); answers 400 and returns null when the client offers only unknown ones.
    /// </summary>
    public static async Task<(WebSocket Socket, string Protocol)?> AcceptAsync(HttpContext http, IReadOnlyList<string> served)
    {
        var requested = http.WebSockets.WebSocketRequestedProtocols;
        var protocol = requested.FirstOrDefault(p => served.Contains(p, StringComparer.Ordinal));
        if (requested.Count > 0 && protocol is null)
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            await http.Response.WriteAsync($"none of the WebSocket protocols {string.Join(", ", requested)} is supported; use one of {string.Join(", ", served)}").ConfigureAwait(false);
            return null;
        }

        return (await http.WebSockets.AcceptWebSocketAsync(protocol).ConfigureAwait(false), protocol ?? string.Empty);
    }

    public static bool IsBase64(string protocol) => protocol.Contains("base64", StringComparison.Ordinal);

    /// <summary>Sends one frame on <paramref name="channel"/>.</summary>
    public static Task SendAsync(WebSocket socket, bool base64, byte channel, byte[] data, CancellationToken cancellationToken) =>
        base64
            ? socket.SendAsync(Encoding.ASCII.GetBytes((char)('0' + channel) + Convert.ToBase64String(data)), WebSocketMessageType.Text, true, cancellationToken)
            : socket.SendAsync((byte[])[channel, .. data], WebSocketMessageType.Binary, true, cancellationToken);

    /// <summary>
    /// Reads the next whole message as channel byte + payload (base64 decoded); null when the client sends its
    /// close frame.
    /// </summary>
    public static async Task<byte[]?> ReceiveAsync(WebSocket socket, bool base64, byte[] buffer, MemoryStream message, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            message.Write(buffer, 0, result.Count);
            if (!result.EndOfMessage)
            {
                continue;
            }

            var bytes = message.ToArray();
            message.SetLength(0);
            return base64 && bytes.Length > 0
                ? [(byte)(bytes[0] - '0'), .. Convert.FromBase64String(Encoding.ASCII.GetString(bytes, 1, bytes.Length - 1))]
                : bytes;
        }
    }
}
