namespace FakeCri.Processes.Shell;

/// <summary>
/// Runs a command line in a container: <c>sh</c> (a script with <c>-c</c>, a script file, or interactive on
/// stdin), one of the busybox applets, or a known server. A program that is neither is, at top level, treated
/// as a server that runs until stopped; inside a script it is <c>not found</c> (127), as busybox sh reports it.
/// </summary>
internal static class Programs
{
    private static readonly HashSet<string> Shells = new(StringComparer.Ordinal) { "sh", "bash", "ash", "dash" };

    /// <summary>
    /// Runs <paramref name="argv"/> as <paramref name="process"/> and returns its exit code: 128+N when a signal
    /// ended it, 137 for SIGKILL. Never throws.
    /// </summary>
    public static async Task<int> RunAsync(
        EmulatedProcess process, ContainerContext container, ProcessStreams streams, IReadOnlyList<string> argv, bool topLevel)
    {
        try
        {
            return await RunUnguardedAsync(process, container, streams, argv, topLevel).ConfigureAwait(false);
        }
        catch (ShellExitException exit)
        {
            return exit.ExitCode & 0xFF;
        }
        catch (ProcessTerminatedException terminated)
        {
            return terminated.ExitCode;
        }
        catch (OperationCanceledException) when (process.Killed.IsCancellationRequested)
        {
            return 128 + Signals.Kill;
        }
    }

    /// <summary>True for a name this emulation can run (a shell, an applet or a known server).</summary>
    public static bool IsKnown(string name) => Shells.Contains(BaseName(name)) || Applets.Has(BaseName(name)) || Servers.Has(name);

    /// <summary>
    /// The program's task, exceptions and all. Not an async method: it only picks the program, and a running
    /// container's main process would otherwise keep one more suspended frame for as long as it runs.
    /// </summary>
    internal static Task<int> RunUnguardedAsync(
        EmulatedProcess process, ContainerContext container, ProcessStreams streams, IReadOnlyList<string> argv, bool topLevel)
    {
        if (argv.Count == 0)
        {
            return Task.FromResult(0);
        }

        var name = BaseName(argv[0]);
        if (Shells.Contains(name))
        {
            return RunShellAsync(process, container, streams, argv);
        }

        if (Applets.Has(name))
        {
            return Applets.RunAsync(name, process, container, streams, argv);
        }

        if (Servers.Has(argv[0]) || topLevel)
        {
            return Servers.RunAsync(process, container, streams, argv);
        }

        streams.Stderr.Write($"sh: {argv[0]}: not found\n");
        return Task.FromResult(127);
    }

    private static async Task<int> RunShellAsync(EmulatedProcess process, ContainerContext container, ProcessStreams streams, IReadOnlyList<string> argv)
    {
        var session = new ShellSession(process, container, streams);
        var arguments = argv.Skip(1).ToList();
        while (arguments.Count > 0 && arguments[0] is "-e" or "-x" or "-u" or "-eu" or "-ex" or "-l" or "--login")
        {
            arguments.RemoveAt(0);
        }

        if (arguments.Count > 0 && arguments[0] == "-c")
        {
            if (arguments.Count < 2)
            {
                streams.Stderr.Write("sh: -c requires an argument\n");
                return 2;
            }

            session.SetPositional(arguments.Count > 2 ? arguments[2] : argv[0], arguments.Skip(3).ToList());
            return await session.RunScriptAsync(arguments[1]).ConfigureAwait(false);
        }

        if (arguments.Count > 0)
        {
            string script;
            try
            {
                script = container.FileSystem.ReadAllText(EmulatedFileSystem.Combine(container.WorkingDirectory, arguments[0]));
            }
            catch (EmulatedIOException error)
            {
                streams.Stderr.Write($"sh: can't open '{arguments[0]}': {error.Message}\n");
                return 2;
            }

            session.SetPositional(arguments[0], arguments.Skip(1).ToList());
            return await session.RunScriptAsync(script).ConfigureAwait(false);
        }

        return await session.RunInteractiveAsync().ConfigureAwait(false);
    }

    internal static string BaseName(string path) => path[(path.LastIndexOf('/') + 1)..];
}
