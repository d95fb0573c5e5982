using System.Net.WebSockets;
using System.Threading.Channels;
using FakeCri.Cri.V1;
using FakeCri.Runtime;
using Microsoft.AspNetCore.Http;

namespace FakeCri.Streaming.Internal;

/// <summary>
/// Remote command (exec) over WebSocket, the Kubernetes channel protocol: every message starts with a channel
/// byte (0 stdin, 1 stdout, 2 stderr, 3 error, 4 resize) — an ASCII digit and base64 data for the base64
/// variants — and v5 adds the client's <c>[255, channel]</c> close message for stdin EOF.
/// </summary>
internal static class WebSocketRemoteCommand
{
    /// <summary>The subprotocols served, most capable first.</summary>
    public static readonly string[] Protocols =
        ["v5.channel.k8s.io", "v4.channel.k8s.io", "v4.base64.channel.k8s.io", "base64.channel.k8s.io", "channel.k8s.io"];

    private const byte Stdin = 0;
    private const byte Stdout = 1;
    private const byte Stderr = 2;
    private const byte Error = 3;
    private const byte Resize = 4;
    private const byte Close = 255;

    // How long a client may take to answer our close frame (real time: it is a network peer, not the emulation).
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(10);

    public static Task ExecAsync(HttpContext http, EmulatedRuntime runtime, ExecRequest request) =>
        AcceptAsync(http, request.Tty, session => session.RunExecAsync(runtime, request, http.RequestAborted));

    public static Task AttachAsync(HttpContext http, EmulatedRuntime runtime, AttachRequest request) =>
        AcceptAsync(http, request.Tty, session => session.RunAttachAsync(runtime, request, http.RequestAborted));

    private static async Task AcceptAsync(HttpContext http, bool tty, Func<Session, Task> run)
    {
        // The client's order is its preference; no protocol at all is the legacy unversioned binary protocol.
        if (await ChannelFraming.AcceptAsync(http, Protocols).ConfigureAwait(false) is not var (socket, protocol))
        {
            return;
        }

        using var owned = socket;
        await run(new Session(socket, protocol, tty)).ConfigureAwait(false);
    }

    private sealed class Session
    {
        private readonly WebSocket _socket;
        private readonly string _protocol;
        private readonly bool _base64;
        private readonly bool _closeSignal;
        private readonly bool _tty;
        private readonly Channel<(byte Channel, byte[] Data)> _outgoing = Channel.CreateUnbounded<(byte, byte[])>(new UnboundedChannelOptions { SingleReader = true });

        public Session(WebSocket socket, string protocol, bool tty)
        {
            _socket = socket;
            _protocol = protocol;
            _base64 = ChannelFraming.IsBase64(protocol);
            _closeSignal = protocol.StartsWith("v5.", StringComparison.Ordinal);
            _tty = tty;
        }

        public Task RunExecAsync(EmulatedRuntime runtime, ExecRequest request, CancellationToken aborted) =>
            RunAsync(request.Stdout, request.Stderr, aborted, (command, receive, token) => command.ExecAsync(runtime, request, receive, token));

        public Task RunAttachAsync(EmulatedRuntime runtime, AttachRequest request, CancellationToken aborted) =>
            RunAsync(request.Stdout, request.Stderr, aborted, (command, receive, token) => command.AttachAsync(runtime, request, receive, token));

        private async Task RunAsync(
            bool stdout,
            bool stderr,
            CancellationToken aborted,
            Func<RemoteCommand, RemoteCommand.StdinReceiver, CancellationToken, Task<(RemoteCommandStatus, Task)>> run)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(aborted);
            var sender = SendAllAsync(stop.Token);

            // Readiness: an empty frame on the lowest channel the client reads.
            Send(stdout ? Stdout : stderr ? Stderr : Error, []);

            var command = new RemoteCommand(_tty, data => Send(Stdout, data), data => Send(Stderr, data));
            var (status, receiver) = await run(command, (stdin, closed) => ReceiveAllAsync(stdin, closed, stop.Token), aborted).ConfigureAwait(false);
            if (status.Encode(json: _protocol.StartsWith("v4.", StringComparison.Ordinal) || _closeSignal) is { } payload)
            {
                Send(Error, payload);
            }

            _outgoing.Writer.TryComplete();
            await sender.ConfigureAwait(false);

            // Close from our side and let the receive loop see the client's answer: cancelling a pending receive
            // would abort the connection and could drop the frames just sent.
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                try
                {
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, string.Empty, aborted).ConfigureAwait(false);
                }
                catch (Exception error) when (error is WebSocketException or OperationCanceledException)
                {
                    // Gone already.
                }
            }

            try
            {
                await receiver.WaitAsync(CloseHandshakeTimeout, aborted).ConfigureAwait(false);
            }
            catch (Exception error) when (error is TimeoutException or OperationCanceledException)
            {
                _socket.Abort();
            }

            await stop.CancelAsync().ConfigureAwait(false);
        }

        private void Send(byte channel, byte[] data) => _outgoing.Writer.TryWrite((channel, data));

        private async Task SendAllAsync(CancellationToken cancellationToken)
        {
            try
            {
                await foreach (var (channel, data) in _outgoing.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    await ChannelFraming.SendAsync(_socket, _base64, channel, data, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception error) when (error is WebSocketException or OperationCanceledException)
            {
                // The client went away; the command's output has nowhere to go.
            }
        }

        private async Task ReceiveAllAsync(Action<ReadOnlyMemory<byte>>? stdin, Action closeStdin, CancellationToken cancellationToken)
        {
            var buffer = new byte[16 * 1024];
            var message = new MemoryStream();
            try
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    if (await ChannelFraming.ReceiveAsync(_socket, _base64, buffer, message, cancellationToken).ConfigureAwait(false) is not { } bytes)
                    {
                        break;
                    }

                    if (bytes.Length == 0)
                    {
                        continue;
                    }

                    switch (bytes[0])
                    {
                        case Stdin when stdin is not null:
                            stdin(bytes.AsMemory(1));
                            break;
                        case Close when _closeSignal && bytes.Length > 1 && bytes[1] == Stdin:
                            closeStdin();
                            break;
                        case Resize:
                            // Window sizes are accepted; the emulated terminal has no layout to redo.
                            break;
                    }
                }
            }
            catch (Exception error) when (error is WebSocketException or OperationCanceledException)
            {
                // The client went away or the command ended.
            }
            finally
            {
                closeStdin();
            }
        }
    }
}
