using System.Text;
using FakeCri.Cri.V1;
using FakeCri.Processes;
using FakeCri.Runtime;

namespace FakeCri.Streaming.Internal;

/// <summary>
/// The transport-neutral half of a remote-command session (exec or attach): the terminal's processing when a TTY is
/// requested (typed text echoed, Enter handed over as a newline, output newlines as CR LF), the runtime call, and the
/// status the error stream ends with. The WebSocket and SPDY transports only move the bytes.
/// </summary>
internal sealed class RemoteCommand
{
    private readonly bool _tty;
    private readonly Action<byte[]> _stdout;
    private readonly Action<byte[]> _stderr;

    /// <param name="tty">Whether the session has a terminal.</param>
    /// <param name="stdout">Queues bytes for the client's stdout; must not block.</param>
    /// <param name="stderr">Queues bytes for the client's stderr; must not block.</param>
    public RemoteCommand(bool tty, Action<byte[]> stdout, Action<byte[]> stderr)
    {
        _tty = tty;
        _stdout = stdout;
        _stderr = stderr;
    }

    /// <summary>
    /// Starts the transport's receive loop: it hands each piece of client stdin to <c>stdin</c> (null: the command
    /// takes none, so discard it) and calls <c>stdinClosed</c> once, at the client's EOF or when the client goes away.
    /// </summary>
    public delegate Task StdinReceiver(Action<ReadOnlyMemory<byte>>? stdin, Action stdinClosed);

    /// <summary>Runs an exec stream's command to its end; returns its status and the receive loop.</summary>
    public async Task<(RemoteCommandStatus Status, Task Receiver)> ExecAsync(
        EmulatedRuntime runtime, ExecRequest request, StdinReceiver receive, CancellationToken cancellationToken)
    {
        var stdin = request.Stdin ? new PipeInput() : null;
        var receiver = receive(stdin is null ? null : Typed(stdin.Write), () => stdin?.Close());
        try
        {
            var code = await runtime.RunExecAsync(
                request,
                (ProcessInput?)stdin ?? ProcessInput.Empty,
                request.Stdout ? new Output(this, _stdout) : ProcessOutput.Null,
                request.Stderr ? new Output(this, _stderr) : ProcessOutput.Null,
                cancellationToken).ConfigureAwait(false);
            return (code == 0 ? RemoteCommandStatus.Success : RemoteCommandStatus.NonZeroExit(request.Cmd, code), receiver);
        }
        catch (CriException error)
        {
            return (RemoteCommandStatus.InternalError("error executing command in container", error.Message), receiver);
        }
    }

    /// <summary>
    /// Joins the container's main process until it exits or this client detaches; returns the status and the
    /// receive loop. The client's stdin EOF closes the container's stdin (stdin_once) or just detaches this client.
    /// </summary>
    public async Task<(RemoteCommandStatus Status, Task Receiver)> AttachAsync(
        EmulatedRuntime runtime, AttachRequest request, StdinReceiver receive, CancellationToken cancellationToken)
    {
        using var detach = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var receiver = Task.CompletedTask;
        try
        {
            var (write, close, done) = runtime.RunAttach(request, new Output(this, _stdout), new Output(this, _stderr), detach.Token);
            receiver = receive(write is null ? null : Typed(write), () =>
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
            });
            await done.ConfigureAwait(false);
            return (RemoteCommandStatus.Success, receiver);
        }
        catch (CriException error)
        {
            return (RemoteCommandStatus.InternalError("error attaching to container", error.Message), receiver);
        }
    }

    private Action<ReadOnlyMemory<byte>> Typed(Action<string> sink) => bytes =>
    {
        var text = Encoding.UTF8.GetString(bytes.Span);
        if (_tty)
        {
            // The terminal echoes what is typed and hands Enter (CR) to the program as a newline.
            text = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
            Write(_stdout, text);
        }

        sink(text);
    };

    private void Write(Action<byte[]> sink, string text) =>
        // A terminal's output processing turns each newline into CR LF.
        sink(Encoding.UTF8.GetBytes(_tty ? text.Replace("\n", "\r\n", StringComparison.Ordinal) : text));

    private sealed class Output : ProcessOutput
    {
        private readonly RemoteCommand _command;
        private readonly Action<byte[]> _sink;

        public Output(RemoteCommand command, Action<byte[]> sink)
        {
            _command = command;
            _sink = sink;
        }

        public override void Write(string text) => _command.Write(_sink, text);
    }
}
