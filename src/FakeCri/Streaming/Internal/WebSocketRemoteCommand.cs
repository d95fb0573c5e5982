using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;
using FakeCri.Cri.V1;
using FakeCri.Processes;
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
        private readonly bool _base64;
        private readonly bool _versioned;
        private readonly bool _closeSignal;
        private readonly bool _tty;
        private readonly Channel<(byte Channel, byte[] Data)> _outgoing = Channel.CreateUnbounded<(byte, byte[])>(new UnboundedChannelOptions { SingleReader = true });

        public Session(WebSocket socket, string protocol, bool tty)
        {
            _socket = socket;
            _base64 = ChannelFraming.IsBase64(protocol);
            _versioned = protocol.StartsWith("v4.", StringComparison.Ordinal) || protocol.StartsWith("v5.", StringComparison.Ordinal);
            _closeSignal = protocol.StartsWith("v5.", StringComparison.Ordinal);
            _tty = tty;
        }

        public async Task RunExecAsync(EmulatedRuntime runtime, ExecRequest request, CancellationToken aborted)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(aborted);
            var sender = SendAllAsync(stop.Token);

            // Readiness: an empty frame on the lowest channel the client reads.
            Send(request.Stdout ? Stdout : request.Stderr ? Stderr : Error, []);

            var stdin = request.Stdin ? new PipeInput() : null;
            var receiver = ReceiveAllAsync(stdin is null ? null : stdin.Write, () => stdin?.Close(), stop.Token);
            string? status;
            try
            {
                var code = await runtime.RunExecAsync(
                    request,
                    (ProcessInput?)stdin ?? ProcessInput.Empty,
                    request.Stdout ? new ChannelOutput(this, Stdout) : ProcessOutput.Null,
                    request.Stderr ? new ChannelOutput(this, Stderr) : ProcessOutput.Null,
                    stop.Token).ConfigureAwait(false);
                status = code == 0
                    ? (_versioned ? RemoteCommandStatus.Success() : null)
                    : (_versioned ? RemoteCommandStatus.NonZeroExit(request.Cmd, code) : $"command terminated with non-zero exit code: error executing command [{string.Join(' ', request.Cmd)}], exit code {code}");
            }
            catch (CriException error)
            {
                status = _versioned ? RemoteCommandStatus.InternalError("error executing command in container", error.Message) : error.Message;
            }

            await FinishAsync(status, sender, receiver, stop, aborted).ConfigureAwait(false);
        }

        public async Task RunAttachAsync(EmulatedRuntime runtime, AttachRequest request, CancellationToken aborted)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(aborted);
            var sender = SendAllAsync(stop.Token);
            Send(request.Stdout ? Stdout : request.Stderr ? Stderr : Error, []);
            string? status = _versioned ? RemoteCommandStatus.Success() : null;
            var receiver = Task.CompletedTask;

            // Ends this client's session only; the sender keeps going to deliver the final status.
            using var detach = CancellationTokenSource.CreateLinkedTokenSource(aborted);
            try
            {
                var (write, close, done) = runtime.RunAttach(request, new ChannelOutput(this, Stdout), new ChannelOutput(this, Stderr), detach.Token);

                // The client's stdin EOF either closes the container's stdin (stdin_once) or just ends this session.
                receiver = ReceiveAllAsync(write, () =>
                {
                    if (close is not null)
                    {
                        close();
                        return;
                    }

                    try
                    {
                        detach.Cancel();
                    }
                    catch (ObjectDisposedException)
                    {
                        // The session is over already.
                    }
                }, stop.Token);
                await done.ConfigureAwait(false);
            }
            catch (CriException error)
            {
                status = _versioned ? RemoteCommandStatus.InternalError("error attaching to container", error.Message) : error.Message;
            }

            await FinishAsync(status, sender, receiver, stop, aborted).ConfigureAwait(false);
        }

        private async Task FinishAsync(string? status, Task sender, Task receiver, CancellationTokenSource stop, CancellationToken aborted)
        {
            if (status is not null)
            {
                Send(Error, Encoding.UTF8.GetBytes(status));
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

        public void Send(byte channel, byte[] data) => _outgoing.Writer.TryWrite((channel, data));

        public void SendText(byte channel, string text)
        {
            // A terminal's output processing turns each newline into CR LF.
            Send(channel, Encoding.UTF8.GetBytes(_tty ? text.Replace("\n", "\r\n", StringComparison.Ordinal) : text));
        }

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

        private async Task ReceiveAllAsync(Action<string>? stdin, Action closeStdin, CancellationToken cancellationToken)
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
                            var text = Encoding.UTF8.GetString(bytes, 1, bytes.Length - 1);
                            if (_tty)
                            {
                                // The terminal echoes what is typed and hands Enter (CR) to the program as a newline.
                                text = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
                                SendText(Stdout, text);
                            }

                            stdin(text);
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

    private sealed class ChannelOutput : ProcessOutput
    {
        private readonly Session _session;
        private readonly byte _channel;

        public ChannelOutput(Session session, byte channel)
        {
            _session = session;
            _channel = channel;
        }

        public override void Write(string text) => _session.SendText(_channel, text);
    }
}
