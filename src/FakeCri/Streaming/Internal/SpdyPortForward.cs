using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using FakeCri.Streaming.Internal.Spdy;
using Microsoft.AspNetCore.Http;

namespace FakeCri.Streaming.Internal;

/// <summary>
/// Port forwarding over SPDY/3.1 (<c>portforward.k8s.io</c>), as kubelet serves it: for every connection it
/// forwards, the client opens an error stream and a data stream carrying the same <c>requestid</c> and the pod's
/// <c>port</c>; each complete pair dials that port of the pod and copies bytes both ways, or writes a runtime's
/// error text to the error stream. The PortForward request's port list plays no part here. One session carries
/// many pairs, until the client closes it.
/// </summary>
internal static class SpdyPortForward
{
    public static readonly string[] Protocols = ["portforward.k8s.io"];

    // How long the second stream of a pair may take (real time: network peers), and how long the second direction
    // of a finished forward may go on once the first has ended (containerd's grace).
    private static readonly TimeSpan PairTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan DrainGrace = TimeSpan.FromSeconds(1);

    public static async Task ForwardAsync(HttpContext http, IPAddress podAddress, string sandboxId)
    {
        if (await SpdyUpgrade.AcceptAsync(http, Protocols).ConfigureAwait(false) is not var (transport, _))
        {
            return;
        }

        var session = new SpdySession(transport);
        await using (session.ConfigureAwait(false))
        {
            session.Start();
            using var gone = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
            var pending = new Dictionary<string, Pair>(StringComparer.Ordinal);
            var forwards = new List<Task>();
            while (await session.AcceptAsync(gone.Token).ConfigureAwait(false) is { } stream)
            {
                if (Validate(stream) is { } type)
                {
                    await stream.ReplyAsync().ConfigureAwait(false);
                    var requestId = stream.Header("requestid") is { Length: > 0 } id
                        ? id
                        : (type == "error" ? stream.Id : stream.Id - 2).ToString(CultureInfo.InvariantCulture); // before request ids: error, then data
                    if (!pending.TryGetValue(requestId, out var pair))
                    {
                        pair = new Pair();
                        pending[requestId] = pair;
                        forwards.Add(ExpireAsync(pair, gone.Token));
                    }

                    if (!pair.Add(type, stream))
                    {
                        await stream.ResetAsync(SpdyRstStatus.ProtocolError).ConfigureAwait(false);
                        continue;
                    }

                    if (pair.Complete)
                    {
                        pending.Remove(requestId);
                        forwards.Add(ForwardPairAsync(pair, podAddress, sandboxId, gone.Token));
                    }
                }
                else
                {
                    // kubelet refuses a stream without a valid port or stream type by resetting it.
                    await stream.ResetAsync(SpdyRstStatus.Cancel).ConfigureAwait(false);
                }
            }

            // The client closed the session: end every forward with it.
            await gone.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(forwards).ConfigureAwait(false);
            await session.GoAwayAsync(TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static string? Validate(SpdyStream stream)
    {
        var port = stream.Header("port");
        var type = stream.Header("streamtype");
        return ushort.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0 && type is "error" or "data"
            ? type
            : null;
    }

    private static async Task ExpireAsync(Pair pair, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(PairTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (!pair.Complete)
        {
            if (pair.Error is { } error)
            {
                await error.WriteAsync(Encoding.UTF8.GetBytes("timed out waiting for streams")).ConfigureAwait(false);
                await error.ResetAsync(SpdyRstStatus.Cancel).ConfigureAwait(false);
            }

            if (pair.Data is { } data)
            {
                await data.ResetAsync(SpdyRstStatus.Cancel).ConfigureAwait(false);
            }
        }
    }

    private static async Task ForwardPairAsync(Pair pair, IPAddress podAddress, string sandboxId, CancellationToken cancellationToken)
    {
        var data = pair.Data!;
        var error = pair.Error!;
        var port = int.Parse(data.Header("port"), CultureInfo.InvariantCulture);
        var (connection, failure) = await PodPortDialer.ConnectAsync(podAddress, sandboxId, port, cancellationToken).ConfigureAwait(false);
        if (connection is null)
        {
            await error.WriteAsync(Encoding.UTF8.GetBytes(failure!)).ConfigureAwait(false);
        }
        else
        {
            using (connection)
            {
                var socket = connection.Client;
                var toPod = CopyToPodAsync(data, socket, cancellationToken);
                var fromPod = CopyFromPodAsync(socket, data, cancellationToken);
                await Task.WhenAny(toPod, fromPod).ConfigureAwait(false);
                await Task.WhenAny(Task.WhenAll(toPod, fromPod), Task.Delay(DrainGrace, cancellationToken)).ConfigureAwait(false);
            }
        }

        await data.CloseAsync().ConfigureAwait(false);
        await error.CloseAsync().ConfigureAwait(false);
    }

    private static async Task CopyToPodAsync(SpdyStream data, Socket socket, CancellationToken cancellationToken)
    {
        try
        {
            while (await data.ReadAsync(cancellationToken).ConfigureAwait(false) is { } bytes)
            {
                await socket.SendAsync(bytes, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            }

            // The client's FIN: the pod sees the end of the request, as over a real half-closed connection.
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception error) when (error is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Either side went away.
        }
    }

    private static async Task CopyFromPodAsync(Socket socket, SpdyStream data, CancellationToken cancellationToken)
    {
        var buffer = new byte[SpdySession.MaxDataFrame];
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false)) > 0)
            {
                // The frame is serialised before WriteAsync returns, so the buffer can be reused at once.
                await data.WriteAsync(buffer.AsMemory(0, read)).ConfigureAwait(false);
            }

            await data.CloseAsync().ConfigureAwait(false);
        }
        catch (Exception error) when (error is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Either side went away.
        }
    }

    /// <summary>The two streams of one forwarded connection, as they arrive.</summary>
    private sealed class Pair
    {
        public SpdyStream? Error { get; private set; }

        public SpdyStream? Data { get; private set; }

        public bool Complete => Error is not null && Data is not null;

        /// <summary>False when the pair already has a stream of that type.</summary>
        public bool Add(string type, SpdyStream stream)
        {
            if (type == "error" ? Error is not null : Data is not null)
            {
                return false;
            }

            if (type == "error")
            {
                Error = stream;
            }
            else
            {
                Data = stream;
            }

            return true;
        }
    }
}
