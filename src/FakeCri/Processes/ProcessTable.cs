namespace FakeCri.Processes;

/// <summary>
/// The processes of one container (its PID namespace): the main process is PID 1, exec'd commands and the
/// programs a shell runs get the next PIDs. <c>ps</c>, <c>pgrep</c> and <c>kill</c> work on it. Thread-safe.
/// </summary>
public sealed class ProcessTable
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<int, EmulatedProcess> _live = [];
    private int _nextPid = 1;

    /// <summary>Registers a new process; remove it with <see cref="Exit"/> when its program ends.</summary>
    public EmulatedProcess Spawn(IReadOnlyList<string> argv, EmulatedProcess? parent, long startedAt)
    {
        lock (_gate)
        {
            var process = new EmulatedProcess(_nextPid++, argv, parent, startedAt);
            _live.Add(process.Pid, process);
            return process;
        }
    }

    /// <summary>Records a process's exit and forgets it.</summary>
    public void Exit(EmulatedProcess process, int exitCode)
    {
        lock (_gate)
        {
            _live.Remove(process.Pid);
        }

        process.Complete(exitCode);
    }

    /// <summary>The live processes, by PID.</summary>
    public IReadOnlyList<EmulatedProcess> Snapshot()
    {
        lock (_gate)
        {
            return _live.Values.ToArray();
        }
    }

    /// <summary>Sends a signal to a PID; false when no such process lives.</summary>
    public bool Signal(int pid, int signal)
    {
        EmulatedProcess? process;
        lock (_gate)
        {
            _live.TryGetValue(pid, out process);
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
}
