using FakeCri.Processes;

namespace FakeCri.Runtime.Internal;

/// <summary>
/// A container's stdio as Attach sees it: the main process's output goes to the log and, live, to every attached
/// client (no replay, as containerd); stdin, when the container was created with <c>stdin</c>, is one pipe all
/// attached clients write into.
/// </summary>
internal sealed class AttachHub
{
    private readonly Lock _gate = new();
    private readonly List<(ProcessOutput Stdout, ProcessOutput Stderr)> _clients = [];

    public AttachHub(bool stdin)
    {
        Stdin = stdin ? new PipeInput() : null;
    }

    /// <summary>The container's stdin pipe; null when it was created without stdin.</summary>
    public PipeInput? Stdin { get; }

    /// <summary>Wraps the process's stdout or stderr so attached clients get a copy of what it writes.</summary>
    public ProcessOutput Tee(ProcessOutput inner, bool stderr) => new TeeOutput(this, inner, stderr);

    public Action Attach(ProcessOutput stdout, ProcessOutput stderr)
    {
        var client = (stdout, stderr);
        lock (_gate)
        {
            _clients.Add(client);
        }

        return () =>
        {
            lock (_gate)
            {
                _clients.Remove(client);
            }
        };
    }

    private void Broadcast(string text, bool stderr)
    {
        (ProcessOutput Stdout, ProcessOutput Stderr)[] clients;
        lock (_gate)
        {
            clients = [.. _clients];
        }

        foreach (var (stdout, errors) in clients)
        {
            (stderr ? errors : stdout).Write(text);
        }
    }

    private sealed class TeeOutput : ProcessOutput
    {
        private readonly AttachHub _hub;
        private readonly ProcessOutput _inner;
        private readonly bool _stderr;

        public TeeOutput(AttachHub hub, ProcessOutput inner, bool stderr)
        {
            _hub = hub;
            _inner = inner;
            _stderr = stderr;
        }

        public override void Write(string text)
        {
            _inner.Write(text);
            _hub.Broadcast(text, _stderr);
        }
    }
}
