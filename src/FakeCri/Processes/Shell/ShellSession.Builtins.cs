using System.Globalization;

namespace FakeCri.Processes.Shell;

internal sealed partial class ShellSession
{
    private static readonly HashSet<string> Builtins = new(StringComparer.Ordinal)
    {
        ":", ".", "cd", "echo", "eval", "exec", "exit", "export", "false", "printf", "pwd", "read", "readonly",
        "return", "set", "shift", "test", "[", "trap", "true", "type", "unset", "wait", "kill", "source",
    };

    private static bool IsBuiltin(string name) => Builtins.Contains(name);

    private async Task<int> RunBuiltinAsync(List<string> argv)
    {
        var args = argv.Skip(1).ToList();
        switch (argv[0])
        {
            case ":":
            case "true":
                return 0;
            case "false":
                return 1;
            case "echo":
                return Applets.Echo(args, Streams.Stdout);
            case "printf":
                return Applets.Printf(args, Streams);
            case "test":
                return Applets.Test(args, _container, WorkingDirectory, Streams.Stderr, "test");
            case "[":
                if (args.Count == 0 || args[^1] != "]")
                {
                    Streams.Stderr.Write("sh: [: missing ]\n");
                    return 2;
                }

                return Applets.Test(args.Take(args.Count - 1).ToList(), _container, WorkingDirectory, Streams.Stderr, "[");
            case "pwd":
                Streams.Stdout.Write(WorkingDirectory + "\n");
                return 0;
            case "cd":
                return ChangeDirectory(args.Count == 0 ? _variables.GetValueOrDefault("HOME", "/") : args[0]);
            case "exit":
                throw new ShellExitException(args.Count > 0 && int.TryParse(args[0], out var code) ? code : LastStatus);
            case "return":
                throw new ReturnException(args.Count > 0 && int.TryParse(args[0], out var status) ? status : LastStatus);
            case "export":
            case "readonly":
                foreach (var arg in args.Where(a => a != "-p"))
                {
                    var equals = arg.IndexOf('=', StringComparison.Ordinal);
                    var name = equals < 0 ? arg : arg[..equals];
                    if (equals >= 0)
                    {
                        _variables[name] = arg[(equals + 1)..];
                    }

                    _exported.Add(name);
                }

                return 0;
            case "unset":
                foreach (var name in args.Where(a => !a.StartsWith('-')))
                {
                    _variables.Remove(name);
                    _exported.Remove(name);
                    _functions.Remove(name);
                }

                return 0;
            case "set":
                var dashDash = args.IndexOf("--");
                if (dashDash >= 0)
                {
                    _positional = args.Skip(dashDash + 1).ToList();
                }

                return 0;
            case "shift":
                var count = args.Count > 0 && int.TryParse(args[0], out var n) ? n : 1;
                if (count > _positional.Count)
                {
                    return 1;
                }

                _positional.RemoveRange(0, count);
                return 0;
            case "trap":
                return Trap(args);
            case "kill":
                return Applets.Kill(args, _container, Streams.Stderr);
            case "wait":
                return await WaitAsync(args).ConfigureAwait(false);
            case "read":
                return await ReadAsync(args).ConfigureAwait(false);
            case "eval":
                await RunScriptFragmentAsync(string.Join(' ', args)).ConfigureAwait(false);
                return LastStatus;
            case "." or "source":
                if (args.Count == 0)
                {
                    return 0;
                }

                try
                {
                    await RunScriptFragmentAsync(_container.FileSystem.ReadAllText(EmulatedFileSystem.Combine(WorkingDirectory, args[0])))
                        .ConfigureAwait(false);
                    return LastStatus;
                }
                catch (EmulatedIOException error)
                {
                    Streams.Stderr.Write($"sh: .: can't open '{args[0]}': {error.Message}\n");
                    return 2;
                }

            case "exec":
                if (args.Count == 0)
                {
                    return 0;
                }

                // exec replaces the shell: the program runs as this very process (same PID, so as a container's
                // PID 1 it handles signals itself: `sh -c 'exec top'` ends on SIGTERM), and its status is the exit.
                throw new ShellExitException(await ReplaceWithProgramAsync(args).ConfigureAwait(false));
            case "type":
                foreach (var name in args)
                {
                    Streams.Stdout.Write(IsBuiltin(name) ? $"{name} is a shell builtin\n" : $"{name} is /bin/{name}\n");
                }

                return 0;
            default:
                return 127;
        }
    }

    private int ChangeDirectory(string target)
    {
        var path = EmulatedFileSystem.Combine(WorkingDirectory, target);
        if (!_container.FileSystem.DirectoryExists(path))
        {
            Streams.Stderr.Write($"sh: cd: can't cd to {target}: No such file or directory\n");
            return 2;
        }

        WorkingDirectory = path;
        _variables["PWD"] = path;
        return 0;
    }

    private int Trap(List<string> args)
    {
        if (args.Count == 0)
        {
            foreach (var (signal, action) in _traps.OrderBy(t => t.Key))
            {
                Streams.Stdout.Write($"trap -- '{action}' {(signal == 0 ? "EXIT" : Signals.NameOf(signal))}\n");
            }

            return 0;
        }

        var reset = args[0] == "-";
        var handler = args[0];
        foreach (var name in args.Skip(1))
        {
            var signal = Signals.Parse(name);
            if (signal < 0)
            {
                Streams.Stderr.Write($"sh: trap: {name}: invalid signal specification\n");
                return 1;
            }

            if (reset)
            {
                _traps.Remove(signal);
            }
            else
            {
                _traps[signal] = handler;
            }
        }

        return 0;
    }

    private async Task<int> WaitAsync(List<string> args)
    {
        var jobs = args.Count == 0
            ? _jobs.ToList()
            : _jobs.Where(j => args.Contains(j.Pid.ToString(CultureInfo.InvariantCulture))).ToList();
        var status = 0;
        foreach (var job in jobs)
        {
            // wait is interruptible: a trapped signal runs its trap and wait returns 128+N.
            while (!job.HasExited)
            {
                var exited = job.Exited;
                var signalled = _process.DelayAsync(null, _container.Clock);
                var done = await Task.WhenAny(exited, signalled).ConfigureAwait(false);
                if (done != exited && !job.HasExited)
                {
                    _process.Killed.ThrowIfCancellationRequested();
                    if (_process.TakeSignal(out var signal))
                    {
                        if (_traps.TryGetValue(signal, out var action))
                        {
                            if (action.Length > 0)
                            {
                                await RunScriptFragmentAsync(action).ConfigureAwait(false);
                            }

                            return 128 + signal;
                        }

                        if (!Signals.IgnoredByDefault(signal) && _process.Pid != 1)
                        {
                            throw new ProcessTerminatedException(signal);
                        }
                    }
                }
            }

            status = await job.Exited.ConfigureAwait(false);
            _jobs.Remove(job);
        }

        return status;
    }

    private async Task<int> ReadAsync(List<string> args)
    {
        var names = args.Where(a => !a.StartsWith('-')).ToList();
        var line = await Streams.Stdin.ReadLineAsync(_process.Killed).ConfigureAwait(false);
        if (line is null)
        {
            return 1;
        }

        if (names.Count == 0)
        {
            _variables["REPLY"] = line;
            return 0;
        }

        var fields = line.Split((char[]?)null, names.Count, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        for (var i = 0; i < names.Count; i++)
        {
            _variables[names[i]] = i < fields.Length ? fields[i] : string.Empty;
        }

        return 0;
    }

    /// <summary>Applies redirections to <see cref="Streams"/>; false (with a message) when one cannot be opened.</summary>
    private async Task<bool> ApplyRedirectsAsync(IReadOnlyList<Redirect> redirects)
    {
        foreach (var redirect in redirects)
        {
            var target = await ExpandToStringAsync(redirect.Target).ConfigureAwait(false);
            switch (redirect.Kind)
            {
                case RedirectKind.Output or RedirectKind.Append:
                    var output = OpenOutput(target, redirect.Kind == RedirectKind.Append);
                    if (output is null)
                    {
                        return false;
                    }

                    SetFd(redirect.FileDescriptor, output);
                    break;
                case RedirectKind.DuplicateOutput:
                    var source = target switch
                    {
                        "1" => Streams.Stdout,
                        "2" => Streams.Stderr,
                        "-" => ProcessOutput.Null,
                        _ => null,
                    };
                    if (source is null)
                    {
                        Streams.Stderr.Write($"sh: {target}: bad file descriptor\n");
                        return false;
                    }

                    SetFd(redirect.FileDescriptor, source);
                    break;
                case RedirectKind.Input:
                    try
                    {
                        var text = target == "/dev/null"
                            ? string.Empty
                            : _container.FileSystem.ReadAllText(EmulatedFileSystem.Combine(WorkingDirectory, target));
                        Streams = Streams with { Stdin = ProcessInput.FromText(text) };
                    }
                    catch (EmulatedIOException error)
                    {
                        Streams.Stderr.Write($"sh: can't open '{target}': {error.Message}\n");
                        return false;
                    }

                    break;
                case RedirectKind.HereDocument:
                    Streams = Streams with { Stdin = ProcessInput.FromText(target) };
                    break;
            }
        }

        return true;
    }

    private void SetFd(int fd, ProcessOutput output)
    {
        if (fd == 2)
        {
            Streams = Streams with { Stderr = output };
        }
        else if (fd == 1)
        {
            Streams = Streams with { Stdout = output };
        }
    }

    private ProcessOutput? OpenOutput(string target, bool append)
    {
        switch (target)
        {
            case "/dev/null":
                return ProcessOutput.Null;
            case "/dev/stdout" or "/proc/self/fd/1" or "/proc/1/fd/1":
                return Streams.Stdout;
            case "/dev/stderr" or "/proc/self/fd/2" or "/proc/1/fd/2":
                return Streams.Stderr;
        }

        var path = EmulatedFileSystem.Combine(WorkingDirectory, target);
        try
        {
            if (!append)
            {
                _container.FileSystem.WriteAllText(path, string.Empty, append: false);
            }
            else if (!_container.FileSystem.FileExists(path))
            {
                _container.FileSystem.WriteAllText(path, string.Empty, append: true);
            }

            return new FileOutput(_container.FileSystem, path);
        }
        catch (EmulatedIOException error)
        {
            Streams.Stderr.Write($"sh: can't create {target}: {error.Message}\n");
            return null;
        }
    }

    /// <summary>A redirection into a file: every write appends to it.</summary>
    private sealed class FileOutput : ProcessOutput
    {
        private readonly EmulatedFileSystem _fileSystem;
        private readonly string _path;

        public FileOutput(EmulatedFileSystem fileSystem, string path)
        {
            _fileSystem = fileSystem;
            _path = path;
        }

        public override void Write(string text)
        {
            try
            {
                _fileSystem.WriteAllText(_path, text, append: true);
            }
            catch (EmulatedIOException)
            {
                // The file vanished under the writer (rm); further output is lost, as with a deleted inode.
            }
        }
    }
}
