using System.Threading.Channels;
using FakeCri.Cri.V1;
using FakeCri.Runtime;
using FakeCri.Streaming.Internal.Spdy;
using Microsoft.AspNetCore.Http;

namespace FakeCri.Streaming.Internal;

/// <summary>
/// Remote command (exec, attach) over SPDY/3.1, as kubelet serves it to crictl, critest and the API server: the
/// client opens one stream per channel named by its <c>streamtype</c> header (error, stdin, stdout, stderr, and
/// resize for a TTY from v3 on); once all the expected ones are open the command runs; the error stream ends with
/// the status (JSON from v4, a failure's text before), every stream is half-closed, and the session says GOAWAY.
/// </summary>
internal static class SpdyRemoteCommand
{
    /// <summary>The protocols served; the client's order decides.</summary>
    public static readonly string[] Protocols = ["v4.channel.k8s.io", "v3.channel.k8s.io", "v2.channel.k8s.io", "channel.k8s.io"];

    // How long a client may take to open its streams, and to close after our GOAWAY (real time: network peers).
    private static readonly TimeSpan StreamCreationTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan CloseLinger = TimeSpan.FromSeconds(10);

    public static Task ExecAsync(HttpContext http, EmulatedRuntime runtime, ExecRequest request) =>
        ServeAsync(
            http,
            new Expected(request.Stdin, request.Stdout, request.Stderr, request.Tty),
            (command, receive, token) => command.ExecAsync(runtime, request, receive, token));

    public static Task AttachAsync(HttpContext http, EmulatedRuntime runtime, AttachRequest request) =>
        ServeAsync(
            http,
            new Expected(request.Stdin, request.Stdout, request.Stderr, request.Tty),
            (command, receive, token) => command.AttachAsync(runtime, request, receive, token));

    private static async Task ServeAsync(
        HttpContext http,
        Expected expected,
        Func<RemoteCommand, RemoteCommand.StdinReceiver, CancellationToken, Task<(RemoteCommandStatus, Task)>> run)
    {
        if (await SpdyUpgrade.AcceptAsync(http, Protocols).ConfigureAwait(false) is not var (transport, protocol))
        {
            return;
        }

        var version = protocol switch
        {
            "v4.channel.k8s.io" => 4,
            "v3.channel.k8s.io" => 3,
            "v2.channel.k8s.io" => 2,
            _ => 1,
        };
        var session = new SpdySession(transport);
        await using (session.ConfigureAwait(false))
        {
            session.Start();

            // The command ends when the client goes away, as containerd kills an exec whose stream is gone.
            using var gone = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
            _ = CancelWhenGoneAsync(session, gone);

            var streams = await WaitForStreamsAsync(session, expected, version, gone.Token).ConfigureAwait(false);
            if (streams is null)
            {
                await session.GoAwayAsync(TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false);
                return;
            }

            var outgoing = Channel.CreateUnbounded<(SpdyStream Stream, byte[] Data)>(new UnboundedChannelOptions { SingleReader = true });
            var sender = SendAllAsync(outgoing.Reader);
            if (streams.Resize is { } resize)
            {
                // Window sizes are accepted; the emulated terminal has no layout to redo.
                _ = DrainAsync(resize);
            }

            var command = new RemoteCommand(
                expected.Tty,
                data => { if (streams.Stdout is { } stdout) { outgoing.Writer.TryWrite((stdout, data)); } },
                data => { if (streams.Stderr is { } stderr) { outgoing.Writer.TryWrite((stderr, data)); } });
            var (status, receiver) = await run(command, (stdin, closed) => ReceiveAsync(session, streams.Stdin, stdin, closed), gone.Token).ConfigureAwait(false);

            outgoing.Writer.TryComplete();
            await sender.ConfigureAwait(false);
            if (status.Encode(json: version >= 4) is { } payload)
            {
                await streams.Error.WriteAsync(payload).ConfigureAwait(false);
            }

            foreach (var stream in streams.All)
            {
                await stream.CloseAsync().ConfigureAwait(false);
            }

            await session.GoAwayAsync(CloseLinger, http.RequestAborted).ConfigureAwait(false);
            await session.DisposeAsync().ConfigureAwait(false);
            await receiver.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Accepts streams until every expected one is open (each gets its SYN_REPLY as it arrives); null when the
    /// client does not open them in time or goes away first.
    /// </summary>
    private static async Task<Streams?> WaitForStreamsAsync(SpdySession session, Expected expected, int version, CancellationToken cancellationToken)
    {
        var wanted = 1 + (expected.Stdin ? 1 : 0) + (expected.Stdout ? 1 : 0) + (expected.Stderr ? 1 : 0) + (expected.Tty && version >= 3 ? 1 : 0);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(StreamCreationTimeout);
        SpdyStream? error = null, stdin = null, stdout = null, stderr = null, resize = null;
        var received = 0;
        try
        {
            while (received < wanted && await session.AcceptAsync(deadline.Token).ConfigureAwait(false) is { } stream)
            {
                await stream.ReplyAsync().ConfigureAwait(false);
                ref var slot = ref error;
                switch (stream.Header("streamtype"))
                {
                    case "error":
                        slot = ref error;
                        break;
                    case "stdin":
                        slot = ref stdin;
                        break;
                    case "stdout":
                        slot = ref stdout;
                        break;
                    case "stderr":
                        slot = ref stderr;
                        break;
                    case "resize" when version >= 3:
                        slot = ref resize;
                        break;
                    default:
                        // kubelet replies to any stream but counts only the channels it knows.
                        continue;
                }

                slot = stream;
                received++;
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }

        return received < wanted || error is null ? null : new Streams(error, stdin, stdout, stderr, resize);
    }

    private static async Task ReceiveAsync(SpdySession session, SpdyStream? stdinStream, Action<ReadOnlyMemory<byte>>? stdin, Action closed)
    {
        try
        {
            if (stdinStream is null)
            {
                // No stdin channel: the session's input ends when the client leaves.
                await session.Reading.ConfigureAwait(false);
                return;
            }

            while (await stdinStream.ReadAsync(CancellationToken.None).ConfigureAwait(false) is { } data)
            {
                stdin?.Invoke(data);
            }
        }
        finally
        {
            closed();
        }
    }

    private static async Task SendAllAsync(ChannelReader<(SpdyStream Stream, byte[] Data)> outgoing)
    {
        await foreach (var (stream, data) in outgoing.ReadAllAsync().ConfigureAwait(false))
        {
            await stream.WriteAsync(data).ConfigureAwait(false);
        }
    }

    private static async Task CancelWhenGoneAsync(SpdySession session, CancellationTokenSource gone)
    {
        await session.Reading.ConfigureAwait(false);
        try
        {
            await gone.CancelAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // The session ended first.
        }
    }

    private static async Task DrainAsync(SpdyStream stream)
    {
        while (await stream.ReadAsync(CancellationToken.None).ConfigureAwait(false) is not null)
        {
        }
    }

    private sealed record Expected(bool Stdin, bool Stdout, bool Stderr, bool Tty);

    private sealed record Streams(SpdyStream Error, SpdyStream? Stdin, SpdyStream? Stdout, SpdyStream? Stderr, SpdyStream? Resize)
    {
        public IEnumerable<SpdyStream> All => new[] { Stdout, Stderr, Error, Stdin, Resize }.OfType<SpdyStream>();
    }
}
