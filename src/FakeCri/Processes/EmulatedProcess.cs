using System.Collections.Concurrent;

namespace FakeCri.Processes;

/// <summary>
/// One emulated process in a container: its PID, command line and signals. The program's code (the shell
/// interpreter) polls <see cref="TakeSignal"/> at safe points and blocks through <see cref="DelayAsync"/>, which
/// a signal interrupts; SIGKILL cancels <see cref="Killed"/> and ends the program wherever it is.
/// </summary>
public sealed class EmulatedProcess
{
    private readonly CancellationTokenSource _kill;
    private readonly TaskCompletionSource<int> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // Cancelled to end the current sleep: replaced (and the old one cancelled) by every signal but SIGKILL, and
    // cancelled by a kill through a callback on the kill source, registered with the first sleep. One token to
    // sleep on, not a linked source per sleep: a running container's main process sleeps for as long as it runs.
    private CancellationTokenSource _wake = new();
    private int _wakesOnKill;

    // Signals not yet taken; made by the first signal (most processes never get one before they end).
    private ConcurrentQueue<int>? _pending;

    internal EmulatedProcess(int pid, IReadOnlyList<string> argv, EmulatedProcess? parent, long startedAt)
    {
        Pid = pid;
        Argv = argv;
        Parent = parent;
        StartedAt = startedAt;
        _kill = parent is null ? new CancellationTokenSource() : CancellationTokenSource.CreateLinkedTokenSource(parent.Killed);
    }

    /// <summary>The PID inside the container's PID namespace; the container's first process is 1.</summary>
    public int Pid { get; }

    /// <summary>The command line.</summary>
    public IReadOnlyList<string> Argv { get; internal set; }

    /// <summary>The program name as <c>pgrep</c> matches it: the base name of <c>argv[0]</c>.</summary>
    public string Name => Argv.Count == 0 ? string.Empty : Argv[0][(Argv[0].LastIndexOf('/') + 1)..];

    /// <summary>The process that started this one, if any (the shell running a command).</summary>
    public EmulatedProcess? Parent { get; }

    /// <summary>When it started, ns since the epoch.</summary>
    public long StartedAt { get; }

    /// <summary>Cancelled by SIGKILL (of this process or an ancestor).</summary>
    public CancellationToken Killed => _kill.Token;

    /// <summary>Completes with the exit code.</summary>
    public Task<int> Exited => _exit.Task;

    /// <summary>Whether the program has ended.</summary>
    public bool HasExited => _exit.Task.IsCompleted;

    /// <summary>Delivers a signal (kernel number). SIGKILL is not catchable: the program ends with 137.</summary>
    public void Signal(int signal)
    {
        if (HasExited)
        {
            return;
        }

        if (signal == Signals.Kill)
        {
            _kill.Cancel();
            return;
        }

        var pending = Volatile.Read(ref _pending);
        if (pending is null)
        {
            var made = new ConcurrentQueue<int>();
            pending = Interlocked.CompareExchange(ref _pending, made, null) ?? made;
        }

        pending.Enqueue(signal);
        var fresh = new CancellationTokenSource();
        Interlocked.Exchange(ref _wake, fresh).Cancel();
        if (_kill.IsCancellationRequested)
        {
            // A kill that came meanwhile may have cancelled the old source only.
            fresh.Cancel();
        }
    }

    /// <summary>The next pending signal, if any.</summary>
    public bool TakeSignal(out int signal)
    {
        if (Volatile.Read(ref _pending) is { } pending)
        {
            return pending.TryDequeue(out signal);
        }

        signal = 0;
        return false;
    }

    /// <summary>
    /// Waits <paramref name="duration"/> on <paramref name="clock"/> (forever when null); returns early, with
    /// false, when a signal arrives. Throws <see cref="OperationCanceledException"/> when killed.
    /// </summary>
    public async Task<bool> DelayAsync(TimeSpan? duration, TimeProvider clock)
    {
        var wake = await SleepAsync(duration, clock).ConfigureAwait(false);
        return wake == ProcessWake.Killed ? throw new OperationCanceledException(Killed) : wake == ProcessWake.Elapsed;
    }

    /// <summary>
    /// <see cref="DelayAsync"/> without exceptions: the programs end on signals by returning, and a stopped
    /// container should not cost a throw per frame.
    /// </summary>
    internal async Task<ProcessWake> SleepAsync(TimeSpan? duration, TimeProvider clock)
    {
        if (Killed.IsCancellationRequested)
        {
            return ProcessWake.Killed;
        }

        if (Interlocked.Exchange(ref _wakesOnKill, 1) == 0)
        {
            // Runs at once if the kill came already.
            _kill.Token.UnsafeRegister(static process => Volatile.Read(ref ((EmulatedProcess)process!)._wake).Cancel(), this);
        }

        // Take the wake-up source before looking at the queue: a signal queued after the look cancels this source.
        var wake = Volatile.Read(ref _wake);
        if (Volatile.Read(ref _pending) is { IsEmpty: false })
        {
            return ProcessWake.Signalled;
        }

        var delay = Task.Delay(duration ?? Timeout.InfiniteTimeSpan, clock, wake.Token);
        await delay.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return delay.IsCompletedSuccessfully ? ProcessWake.Elapsed
            : Killed.IsCancellationRequested ? ProcessWake.Killed
            : ProcessWake.Signalled;
    }

    internal void Complete(int exitCode) => _exit.TrySetResult(exitCode);
}

/// <summary>Linux signal numbers the emulation acts on.</summary>
public static class Signals
{
    /// <summary>SIGHUP.</summary>
    public const int Hangup = 1;

    /// <summary>SIGINT.</summary>
    public const int Interrupt = 2;

    /// <summary>SIGQUIT.</summary>
    public const int Quit = 3;

    /// <summary>SIGKILL.</summary>
    public const int Kill = 9;

    /// <summary>SIGTERM.</summary>
    public const int Terminate = 15;

    /// <summary>SIGCHLD.</summary>
    public const int Child = 17;

    /// <summary>SIGCONT.</summary>
    public const int Continue = 18;

    /// <summary>SIGURG.</summary>
    public const int Urgent = 23;

    /// <summary>SIGWINCH.</summary>
    public const int WindowChange = 28;

    /// <summary>Signals whose default action is to do nothing.</summary>
    public static bool IgnoredByDefault(int signal) => signal is Child or Continue or Urgent or WindowChange;

    private static readonly string[] Names =
    [
        "0", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE",
        "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM",
        "PROF", "WINCH", "IO", "PWR", "SYS",
    ];

    /// <summary>Parses <c>TERM</c>, <c>SIGTERM</c>, <c>15</c>, <c>EXIT</c> (0); -1 when unknown.</summary>
    public static int Parse(string text)
    {
        if (int.TryParse(text, out var number))
        {
            return number is >= 0 and <= 64 ? number : -1;
        }

        var name = text.ToUpperInvariant();
        if (name.StartsWith("SIG", StringComparison.Ordinal))
        {
            name = name[3..];
        }

        return name == "EXIT" ? 0 : Array.IndexOf(Names, name);
    }

    /// <summary>The name without <c>SIG</c> (<c>TERM</c>), or the number.</summary>
    public static string NameOf(int signal) => signal >= 0 && signal < Names.Length ? Names[signal] : signal.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
