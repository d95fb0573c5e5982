namespace FakeCri.Processes;

/// <summary>
/// The processes of one container (its PID namespace): the main process is PID 1, exec'd commands and the
/// programs a shell runs get the next PIDs. <c>ps</c>, <c>pgrep</c> and <c>kill</c> work on it. Thread-safe.
/// </summary>
public sealed class ProcessTable
{
    private readonly Lock _gate = new();

    // In PID order: PIDs only grow, so a new process goes last. A list rather than a sorted tree: a container
    // mostly has one or two processes, and a tree cost ~200 bytes for its first.
    private readonly List<EmulatedProcess> _live = [];
    private int _nextPid = 1;

    /// <summary>Registers a new process; remove it with <see cref="Exit"/> when its program ends.</summary>
    public EmulatedProcess Spawn(IReadOnlyList<string> argv, EmulatedProcess? parent, long startedAt)
    {
        lock (_gate)
        {
            var process = new EmulatedProcess(_nextPid++, argv, parent, startedAt);
            _live.Add(process);
            return process;
        }
    }

    /// <summary>Records a process's exit and forgets it.</summary>
    public void Exit(EmulatedProcess process, int exitCode)
    {
        lock (_gate)
        {
            var index = IndexOf(process.Pid);
            if (index >= 0)
            {
                _live.RemoveAt(index);
            }
        }

        process.Complete(exitCode);
    }

    /// <summary>The live processes, by PID.</summary>
    public IReadOnlyList<EmulatedProcess> Snapshot()
    {
        lock (_gate)
        {
            return _live.ToArray();
        }
    }

    /// <summary>Sends a signal to a PID; false when no such process lives.</summary>
    public bool Signal(int pid, int signal)
    {
        EmulatedProcess? process;
        lock (_gate)
        {
            var index = IndexOf(pid);
            process = index >= 0 ? _live[index] : null;
        }

        process?.Signal(signal);
        return process is not null;
    }

    /// <summary>SIGKILLs every process (the container's init exited or was killed).</summary>
    public void KillAll()
    {
        foreach (var process in Snapshot())
        {
            process.Signal(Signals.Kill);
        }
    }

    /// <summary>Where <paramref name="pid"/> is in the list, or a negative number. Under the lock.</summary>
    private int IndexOf(int pid)
    {
        int low = 0, high = _live.Count - 1;
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            var at = _live[middle].Pid;
            if (at == pid)
            {
                return middle;
            }

            if (at < pid)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return -1;
    }
}
