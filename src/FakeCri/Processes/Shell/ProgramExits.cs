namespace FakeCri.Processes.Shell;

/// <summary><c>exit N</c> (or the end of a script) unwinding the shell.</summary>
internal sealed class ShellExitException : Exception
{
    public ShellExitException(int exitCode)
    {
        ExitCode = exitCode;
    }

    public int ExitCode { get; }
}

/// <summary>
/// A signal's default action ended a shell: it exits with 128 + the signal number. Only the interpreter unwinds
/// this way (as with <c>exit</c>); applets and servers return the signal as a value (<see cref="Applets.WaitAsync"/>).
/// </summary>
internal sealed class ProcessTerminatedException : Exception
{
    public ProcessTerminatedException(int signal)
    {
        Signal = signal;
    }

    public int Signal { get; }

    public int ExitCode => 128 + Signal;
}
