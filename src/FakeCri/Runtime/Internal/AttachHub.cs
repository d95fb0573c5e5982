using FakeCri.Processes;

namespace FakeCri.Runtime.Internal;

/// <summary>
/// A container's stdio as Attach sees it: the main process's output goes to the log and, live, to every attached
/// client (no replay, as containerd); stdin, when the container was created with <c>stdin</c>, is one pipe all
/// attached clients write into.
/// </summary>
internal sealed class AttachHub
{
    // Replaced whole on attach and detach (rare) and read without a lock on every write of the process (often);
    // no lock or list object per container either.
    private (ProcessOutput Stdout, ProcessOutput Stderr)[] _clients = [];

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
        Update(clients => [.. clients, client]);
        return () => Update(clients =>
        {
            var index = Array.IndexOf(clients, client);
            return index < 0 ? clients : [.. clients[..index], .. clients[(index + 1)..]];
        });
    }

    private void Update(Func<(ProcessOutput Stdout, ProcessOutput Stderr)[], (ProcessOutput Stdout, ProcessOutput Stderr)[]> change)
    {
        var current = Volatile.Read(ref _clients);
        while (true)
        {
            var seen = Interlocked.CompareExchange(ref _clients, change(current), current);
            if (ReferenceEquals(seen, current))
            {
                return;
            }

            current = seen;
        }
    }

    private void Broadcast(string text, bool stderr)
    {
        foreach (var (stdout, errors) in Volatile.Read(ref _clients))
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
