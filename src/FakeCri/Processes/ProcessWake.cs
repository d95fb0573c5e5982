namespace FakeCri.Processes;

/// <summary>Why a process's wait ended: the time passed, a signal arrived, or SIGKILL.</summary>
internal enum ProcessWake
{
    /// <summary>The duration passed on the clock.</summary>
    Elapsed,

    /// <summary>A signal is pending (not SIGKILL).</summary>
    Signalled,

    /// <summary>SIGKILL (of the process or an ancestor).</summary>
    Killed,
}
