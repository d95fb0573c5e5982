using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace FakeCri.Processes.Shell;

/// <summary>
/// The busybox programs pod specs and CRI test suites call, emulated over the container's files, processes and
/// clock. Each runs as its own process; messages and exit codes follow busybox.
/// </summary>
internal static class Applets
{
    private static readonly HashSet<string> Names = new(StringComparer.Ordinal)
    {
        "echo", "printf", "sleep", "cat", "true", "false", "env", "printenv", "hostname", "id", "whoami", "ls", "pwd",
        "test", "[", "touch", "mkdir", "rm", "tail", "top", "pgrep", "ps", "kill", "date", "uname", "head", "grep",
        "wc", "basename", "dirname", "seq", "yes",
    };

    public static bool Has(string name) => Names.Contains(name);

    public static async Task<int> RunAsync(
        string name, EmulatedProcess process, ContainerContext container, ProcessStreams streams, IReadOnlyList<string> argv)
    {
        var args = argv.Skip(1).ToList();
        var cwd = container.WorkingDirectory;
        switch (name)
        {
            case "echo":
                return Echo(args, streams.Stdout);
            case "printf":
                return Printf(args, streams);
            case "true":
                return 0;
            case "false":
                return 1;
            case "test":
                return Test(args, container, cwd, streams.Stderr, "test");
            case "[":
                return args.Count > 0 && args[^1] == "]"
                    ? Test(args.Take(args.Count - 1).ToList(), container, cwd, streams.Stderr, "[")
                    : Fail(streams, "[: missing ]", 2);
            case "pwd":
                streams.Stdout.Write(cwd + "\n");
                return 0;
            case "sleep":
                return await SleepAsync(args, process, container, streams).ConfigureAwait(false);
            case "cat":
                return await CatAsync(args, process, container, streams).ConfigureAwait(false);
            case "env":
            case "printenv":
                return PrintEnvironment(name, args, container, streams);
            case "hostname":
                streams.Stdout.Write(container.Hostname + "\n");
                return 0;
            case "id":
                return Id(container, streams);
            case "whoami":
                return container.UserNames.TryGetValue(container.Uid, out var user)
                    ? Print(streams, user)
                    : Fail(streams, $"whoami: unknown uid {container.Uid}", 1);
            case "ls":
                return List(args, container, streams);
            case "touch":
                return Touch(args, container, streams);
            case "mkdir":
                return MakeDirectory(args, container, streams);
            case "rm":
                return Remove(args, container, streams);
            case "tail":
                return await TailAsync(args, process, container, streams).ConfigureAwait(false);
            case "head":
                return Head(args, container, streams);
            case "top":
                // busybox top installs handlers: it ends promptly on SIGTERM/SIGINT even as PID 1.
                return ExitCode(await WaitAsync(process, container, null, IsStopSignal).ConfigureAwait(false), 0);
            case "pgrep":
                return ProcessGrep(args, process, container, streams);
            case "ps":
                return ProcessStatus(container, streams);
            case "kill":
                return Kill(args, container, streams.Stderr);
            case "date":
                streams.Stdout.Write(container.Clock.GetUtcNow().UtcDateTime.ToString("ddd MMM d HH:mm:ss 'UTC' yyyy", CultureInfo.InvariantCulture) + "\n");
                return 0;
            case "uname":
                streams.Stdout.Write(args.Contains("-a") ? $"Linux {container.Hostname} 6.1.0 #1 SMP x86_64 GNU/Linux\n" : args.Contains("-r") ? "6.1.0\n" : "Linux\n");
                return 0;
            case "grep":
                return await GrepAsync(args, process, container, streams).ConfigureAwait(false);
            case "wc":
                return await CountAsync(args, process, container, streams).ConfigureAwait(false);
            case "basename":
                return args.Count == 0 ? Fail(streams, "basename: missing operand", 1) : Print(streams, Programs.BaseName(args[0].TrimEnd('/')));
            case "dirname":
                return args.Count == 0 ? Fail(streams, "dirname: missing operand", 1) : Print(streams, DirectoryOf(args[0]));
            case "seq":
                return Sequence(args, streams);
            case "yes":
                // An endless producer would never let a pipeline stage finish; print a bounded burst instead.
                streams.Stdout.Write(string.Concat(Enumerable.Repeat((args.Count > 0 ? string.Join(' ', args) : "y") + "\n", 1000)));
                return 0;
            default:
                return Fail(streams, $"sh: {name}: not found", 127);
        }
    }

    /// <summary>True for the signals a program with ordinary handlers ends on.</summary>
    public static bool IsStopSignal(int signal) =>
        signal is Signals.Terminate or Signals.Interrupt or Signals.Quit or Signals.Hangup;

    /// <summary>
    /// Blocks on the clock (forever when <paramref name="duration"/> is null) and returns the signal that ended
    /// the program, or null when the time passed. A signal the program handles ends it; one it does not handle is
    /// ignored by PID 1 and ends any other process; SIGKILL ends it wherever it waits (<see cref="Signals.Kill"/>).
    /// A value rather than an exception: every stopped container ends this way, through several async frames.
    /// </summary>
    public static async Task<int?> WaitAsync(EmulatedProcess process, ContainerContext container, TimeSpan? duration, Func<int, bool> handles)
    {
        var deadline = duration is { } d ? container.Clock.GetUtcNow() + d : (DateTimeOffset?)null;
        while (true)
        {
            while (process.TakeSignal(out var signal))
            {
                if (handles(signal) || (!Signals.IgnoredByDefault(signal) && process.Pid != 1))
                {
                    return signal;
                }
            }

            TimeSpan? remaining = deadline is { } end ? end - container.Clock.GetUtcNow() : null;
            if (remaining <= TimeSpan.Zero)
            {
                return null;
            }

            if (await process.SleepAsync(remaining, container.Clock).ConfigureAwait(false) == ProcessWake.Killed)
            {
                return Signals.Kill;
            }
        }
    }

    /// <summary>The exit code of a program that waited: 128 + the signal that ended it, else <paramref name="exitCode"/>.</summary>
    public static int ExitCode(int? signal, int exitCode) => signal is { } ended ? 128 + ended : exitCode;

    public static int Echo(IReadOnlyList<string> args, ProcessOutput stdout)
    {
        var newline = true;
        var escapes = false;
        var index = 0;
        while (index < args.Count && args[index].Length > 1 && args[index][0] == '-' && args[index].Skip(1).All(c => c is 'n' or 'e' or 'E'))
        {
            newline &= !args[index].Contains('n', StringComparison.Ordinal);
            escapes = args[index].Contains('e', StringComparison.Ordinal) || (escapes && !args[index].Contains('E', StringComparison.Ordinal));
            index++;
        }

        var text = string.Join(' ', args.Skip(index));
        if (escapes)
        {
            text = Unescape(text, out var stop);
            newline &= !stop;
        }

        stdout.Write(newline ? text + "\n" : text);
        return 0;
    }

    public static int Printf(IReadOnlyList<string> args, ProcessStreams streams)
    {
        if (args.Count == 0)
        {
            return Fail(streams, "printf: usage: printf FORMAT [ARGUMENT...]", 1);
        }

        var format = args[0];
        var values = args.Skip(1).ToList();
        var output = new StringBuilder();
        var used = 0;
        do
        {
            var consumedAny = false;
            for (var i = 0; i < format.Length; i++)
            {
                var c = format[i];
                if (c == '\\' && i + 1 < format.Length)
                {
                    output.Append(Unescape(format.Substring(i, 2), out _));
                    i++;
                }
                else if (c == '%' && i + 1 < format.Length)
                {
                    var spec = format[++i];
                    while (i + 1 < format.Length && (char.IsAsciiDigit(spec) || spec is '-' or '.'))
                    {
                        spec = format[++i];
                    }

                    if (spec == '%')
                    {
                        output.Append('%');
                        continue;
                    }

                    var value = used < values.Count ? values[used++] : string.Empty;
                    consumedAny = true;
                    output.Append(spec switch
                    {
                        'd' or 'i' => long.TryParse(value, out var number) ? number.ToString(CultureInfo.InvariantCulture) : "0",
                        'b' => Unescape(value, out _),
                        _ => value,
                    });
                }
                else
                {
                    output.Append(c);
                }
            }

            if (!consumedAny)
            {
                break;
            }
        }
        while (used < values.Count);

        streams.Stdout.Write(output.ToString());
        return 0;
    }

    public static int Test(IReadOnlyList<string> args, ContainerContext container, string cwd, ProcessOutput stderr, string name)
    {
        try
        {
            var position = 0;
            var result = args.Count == 0 ? false : Or(args, ref position, container, cwd);
            if (position != args.Count)
            {
                throw new FormatException();
            }

            return result ? 0 : 1;
        }
        catch (FormatException)
        {
            stderr.Write($"sh: {name}: syntax error\n");
            return 2;
        }
    }

    public static int Kill(IReadOnlyList<string> args, ContainerContext container, ProcessOutput stderr)
    {
        var signal = Signals.Terminate;
        var pids = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "-s" && i + 1 < args.Count)
            {
                signal = Signals.Parse(args[++i]);
            }
            else if (arg.StartsWith('-') && arg.Length > 1 && pids.Count == 0)
            {
                signal = Signals.Parse(arg[1..]);
            }
            else
            {
                pids.Add(arg);
            }
        }

        if (signal < 0)
        {
            stderr.Write("sh: kill: bad signal name\n");
            return 1;
        }

        var status = 0;
        foreach (var pid in pids)
        {
            if (!int.TryParse(pid, out var number) || !container.Processes.Signal(number, signal))
            {
                stderr.Write($"sh: can't kill pid {pid}: No such process\n");
                status = 1;
            }
        }

        return status;
    }

    private static bool Or(IReadOnlyList<string> args, ref int position, ContainerContext container, string cwd)
    {
        var result = And(args, ref position, container, cwd);
        while (position < args.Count && args[position] == "-o")
        {
            position++;
            result |= And(args, ref position, container, cwd);
        }

        return result;
    }

    private static bool And(IReadOnlyList<string> args, ref int position, ContainerContext container, string cwd)
    {
        var result = Primary(args, ref position, container, cwd);
        while (position < args.Count && args[position] == "-a")
        {
            position++;
            result &= Primary(args, ref position, container, cwd);
        }

        return result;
    }

    private static bool Primary(IReadOnlyList<string> args, ref int position, ContainerContext container, string cwd)
    {
        if (position >= args.Count)
        {
            throw new FormatException();
        }

        var first = args[position];
        if (first == "!")
        {
            position++;
            return !Primary(args, ref position, container, cwd);
        }

        if (position + 2 < args.Count + 0 && IsBinary(args[position + 1]))
        {
            var left = args[position];
            var op = args[position + 1];
            var right = args[position + 2];
            position += 3;
            return op switch
            {
                "=" or "==" => left == right,
                "!=" => left != right,
                _ => CompareNumbers(left, op, right),
            };
        }

        if (first.Length == 2 && first[0] == '-' && position + 1 < args.Count)
        {
            var operand = args[position + 1];
            position += 2;
            var path = EmulatedFileSystem.Combine(cwd, operand);
            var fs = container.FileSystem;
            return first[1] switch
            {
                'z' => operand.Length == 0,
                'n' => operand.Length > 0,
                'f' => fs.FileExists(path),
                'd' => fs.DirectoryExists(path),
                'e' => fs.FileExists(path) || fs.DirectoryExists(path),
                's' => fs.FileExists(path) && fs.ReadAllText(path).Length > 0,
                'r' or 'w' or 'x' => fs.FileExists(path) || fs.DirectoryExists(path),
                'h' or 'L' => false,
                _ => throw new FormatException(),
            };
        }

        position++;
        return first.Length > 0;
    }

    private static bool IsBinary(string op) => op is "=" or "==" or "!=" or "-eq" or "-ne" or "-lt" or "-le" or "-gt" or "-ge";

    private static bool CompareNumbers(string left, string op, string right)
    {
        if (!long.TryParse(left, out var a) || !long.TryParse(right, out var b))
        {
            throw new FormatException();
        }

        return op switch
        {
            "-eq" => a == b,
            "-ne" => a != b,
            "-lt" => a < b,
            "-le" => a <= b,
            "-gt" => a > b,
            _ => a >= b,
        };
    }

    private static async Task<int> SleepAsync(IReadOnlyList<string> args, EmulatedProcess process, ContainerContext container, ProcessStreams streams)
    {
        if (args.Count == 0)
        {
            return Fail(streams, "sleep: missing operand", 1);
        }

        TimeSpan? total = TimeSpan.Zero;
        foreach (var arg in args)
        {
            if (arg == "infinity")
            {
                total = null;
                break;
            }

            var unit = arg[^1] switch { 's' => 1.0, 'm' => 60.0, 'h' => 3600.0, 'd' => 86400.0, _ => 0.0 };
            var number = unit == 0.0 ? arg : arg[..^1];
            if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0)
            {
                return Fail(streams, $"sleep: invalid number '{arg}'", 1);
            }

            total += TimeSpan.FromSeconds(value * (unit == 0.0 ? 1.0 : unit));
        }

        // sleep installs no handlers: as PID 1 it ignores SIGTERM and waits for SIGKILL, as in a real container.
        return ExitCode(await WaitAsync(process, container, total, _ => false).ConfigureAwait(false), 0);
    }

    private static async Task<int> CatAsync(IReadOnlyList<string> args, EmulatedProcess process, ContainerContext container, ProcessStreams streams)
    {
        var files = args.Where(a => a != "-u").ToList();
        if (files.Count == 0 || files.All(f => f == "-"))
        {
            while (await streams.Stdin.ReadLineAsync(process.Killed).ConfigureAwait(false) is { } line)
            {
                streams.Stdout.Write(line + "\n");
            }

            return 0;
        }

        var status = 0;
        foreach (var file in files)
        {
            if (!TryRead(file, container, streams, "cat", out var text))
            {
                status = 1;
                continue;
            }

            streams.Stdout.Write(text);
        }

        return status;
    }

    private static int PrintEnvironment(string name, IReadOnlyList<string> args, ContainerContext container, ProcessStreams streams)
    {
        var environment = container.Environment;
        if (name == "printenv" && args.Count > 0)
        {
            var status = 0;
            foreach (var variable in args)
            {
                var match = environment.LastOrDefault(e => e.Key == variable);
                if (match.Key is null)
                {
                    status = 1;
                    continue;
                }

                streams.Stdout.Write(match.Value + "\n");
            }

            return status;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var lines = new List<string>();
        foreach (var (key, value) in environment.Reverse())
        {
            if (seen.Add(key))
            {
                lines.Add($"{key}={value}");
            }
        }

        lines.Reverse();
        streams.Stdout.Write(string.Concat(lines.Select(l => l + "\n")));
        return 0;
    }

    private static int Id(ContainerContext container, ProcessStreams streams)
    {
        string Named(long id, IReadOnlyDictionary<long, string> names) =>
            names.TryGetValue(id, out var name) ? $"{id}({name})" : id.ToString(CultureInfo.InvariantCulture);

        var groups = container.Groups.Count > 0 ? container.Groups : [container.Gid];
        streams.Stdout.Write(
            $"uid={Named(container.Uid, container.UserNames)} gid={Named(container.Gid, container.GroupNames)} groups={string.Join(',', groups.Select(g => Named(g, container.GroupNames)))}\n");
        return 0;
    }

    private static int List(IReadOnlyList<string> args, ContainerContext container, ProcessStreams streams)
    {
        var all = args.Any(a => a.StartsWith('-') && a.Contains('a', StringComparison.Ordinal));
        var almostAll = args.Any(a => a.StartsWith('-') && a.Contains('A', StringComparison.Ordinal));
        var paths = args.Where(a => !a.StartsWith('-') || a == "-").ToList();
        if (paths.Count == 0)
        {
            paths.Add(".");
        }

        var status = 0;
        foreach (var target in paths)
        {
            var path = EmulatedFileSystem.Combine(container.WorkingDirectory, target);
            try
            {
                if (container.FileSystem.FileExists(path))
                {
                    streams.Stdout.Write(target + "\n");
                    continue;
                }

                var names = container.FileSystem.List(path).Where(n => all || almostAll || !n.StartsWith('.')).ToList();
                if (all)
                {
                    names.InsertRange(0, [".", ".."]);
                }

                if (paths.Count > 1)
                {
                    streams.Stdout.Write($"{target}:\n");
                }

                streams.Stdout.Write(string.Concat(names.Select(n => n + "\n")));
            }
            catch (EmulatedIOException error)
            {
                streams.Stderr.Write($"ls: {target}: {error.Message}\n");
                status = 1;
            }
        }

        return status;
    }

    private static int Touch(IReadOnlyList<string> args, ContainerContext container, ProcessStreams streams)
    {
        var status = 0;
        foreach (var file in args.Where(a => !a.StartsWith('-')))
        {
            var path = EmulatedFileSystem.Combine(container.WorkingDirectory, file);
            try
            {
                container.FileSystem.WriteAllText(path, string.Empty, append: true);
            }
            catch (EmulatedIOException error)
            {
                streams.Stderr.Write($"touch: {file}: {error.Message}\n");
                status = 1;
            }
        }

        return status;
    }

    private static int MakeDirectory(IReadOnlyList<string> args, ContainerContext container, ProcessStreams streams)
    {
        var parents = args.Contains("-p");
        var status = 0;
        foreach (var directory in args.Where(a => !a.StartsWith('-')))
        {
            try
            {
                container.FileSystem.CreateDirectory(EmulatedFileSystem.Combine(container.WorkingDirectory, directory), parents);
            }
            catch (EmulatedIOException error)
            {
                streams.Stderr.Write($"mkdir: can't create directory '{directory}': {error.Message}\n");
                status = 1;
            }
        }

        return status;
    }

    private static int Remove(IReadOnlyList<string> args, ContainerContext container, ProcessStreams streams)
    {
        var flags = string.Concat(args.Where(a => a.StartsWith('-')));
        var recursive = flags.Contains('r', StringComparison.Ordinal) || flags.Contains('R', StringComparison.Ordinal);
        var force = flags.Contains('f', StringComparison.Ordinal);
        var status = 0;
        foreach (var target in args.Where(a => !a.StartsWith('-')))
        {
            try
            {
                container.FileSystem.Delete(EmulatedFileSystem.Combine(container.WorkingDirectory, target), recursive);
            }
            catch (EmulatedIOException error) when (!(force && error.Message.StartsWith("No such", StringComparison.Ordinal)))
            {
                streams.Stderr.Write($"rm: can't remove '{target}': {error.Message}\n");
                status = 1;
            }
            catch (EmulatedIOException)
            {
            }
        }

        return status;
    }

    private static async Task<int> TailAsync(IReadOnlyList<string> args, EmulatedProcess process, ContainerContext container, ProcessStreams streams)
    {
        var follow = args.Contains("-f") || args.Contains("-F");
        var count = 10;
        var files = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "-n" && i + 1 < args.Count)
            {
                int.TryParse(args[++i].TrimStart('+'), out count);
            }
            else if (!args[i].StartsWith('-'))
            {
                files.Add(args[i]);
            }
        }

        foreach (var file in files)
        {
            if (file == "/dev/null")
            {
                continue;
            }

            if (TryRead(file, container, streams, "tail", out var text))
            {
                var lines = text.TrimEnd('\n').Split('\n');
                streams.Stdout.Write(string.Concat(lines.TakeLast(count).Select(l => l + "\n")));
            }
        }

        if (follow)
        {
            // tail -f keeps the container alive (the `tail -f /dev/null` idiom); it has no signal handlers.
            return ExitCode(await WaitAsync(process, container, null, _ => false).ConfigureAwait(false), 0);
        }

        return 0;
    }

    private static int Head(IReadOnlyList<string> args, ContainerContext container, ProcessStreams streams)
    {
        var count = 10;
        var files = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "-n" && i + 1 < args.Count)
            {
                int.TryParse(args[++i], out count);
            }
            else if (!args[i].StartsWith('-'))
            {
                files.Add(args[i]);
            }
        }

        foreach (var file in files)
        {
            if (TryRead(file, container, streams, "head", out var text))
            {
                streams.Stdout.Write(string.Concat(text.Split('\n').Take(count).Where(l => l.Length > 0).Select(l => l + "\n")));
            }
        }

        return 0;
    }

    private static int ProcessGrep(IReadOnlyList<string> args, EmulatedProcess self, ContainerContext container, ProcessStreams streams)
    {
        var full = args.Contains("-f");
        var list = args.Contains("-l") || args.Contains("-a");
        var pattern = args.LastOrDefault(a => !a.StartsWith('-'));
        if (pattern is null)
        {
            return Fail(streams, "pgrep: no matching criteria specified", 2);
        }

        Regex regex;
        try
        {
            regex = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(200));
        }
        catch (ArgumentException)
        {
            return Fail(streams, $"pgrep: bad regex '{pattern}'", 2);
        }

        var found = 0;
        foreach (var process in container.Processes.Snapshot())
        {
            if (process.Pid == self.Pid)
            {
                continue; // pgrep never lists itself
            }

            var subject = full ? string.Join(' ', process.Argv) : process.Name;
            if (regex.IsMatch(subject))
            {
                streams.Stdout.Write(list ? $"{process.Pid} {string.Join(' ', process.Argv)}\n" : $"{process.Pid}\n");
                found++;
            }
        }

        return found > 0 ? 0 : 1;
    }

    private static int ProcessStatus(ContainerContext container, ProcessStreams streams)
    {
        var user = container.UserNames.TryGetValue(container.Uid, out var name) ? name : container.Uid.ToString(CultureInfo.InvariantCulture);
        var output = new StringBuilder("PID   USER     TIME  COMMAND\n");
        foreach (var process in container.Processes.Snapshot())
        {
            var seconds = 0L; // CPU time: emulated processes spend none
            output.Append(CultureInfo.InvariantCulture, $"{process.Pid,5} {user,-8} {seconds / 60,2}:{seconds % 60:00} {string.Join(' ', process.Argv)}\n");
        }

        streams.Stdout.Write(output.ToString());
        return 0;
    }

    private static async Task<int> GrepAsync(IReadOnlyList<string> args, EmulatedProcess process, ContainerContext container, ProcessStreams streams)
    {
        var invert = args.Any(a => a.StartsWith('-') && a.Contains('v', StringComparison.Ordinal));
        var quiet = args.Any(a => a.StartsWith('-') && a.Contains('q', StringComparison.Ordinal));
        var ignoreCase = args.Any(a => a.StartsWith('-') && a.Contains('i', StringComparison.Ordinal));
        var operands = args.Where(a => !a.StartsWith('-')).ToList();
        if (operands.Count == 0)
        {
            return Fail(streams, "grep: no pattern", 2);
        }

        var regex = new Regex(operands[0], (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None) | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(200));
        var text = new StringBuilder();
        if (operands.Count == 1)
        {
            text.Append(await streams.Stdin.ReadToEndAsync(process.Killed).ConfigureAwait(false));
        }
        else
        {
            foreach (var file in operands.Skip(1))
            {
                if (TryRead(file, container, streams, "grep", out var content))
                {
                    text.Append(content);
                }
            }
        }

        var matched = 0;
        foreach (var line in text.ToString().Split('\n'))
        {
            if (line.Length > 0 && regex.IsMatch(line) != invert)
            {
                matched++;
                if (!quiet)
                {
                    streams.Stdout.Write(line + "\n");
                }
            }
        }

        return matched > 0 ? 0 : 1;
    }

    private static async Task<int> CountAsync(IReadOnlyList<string> args, EmulatedProcess process, ContainerContext container, ProcessStreams streams)
    {
        var files = args.Where(a => !a.StartsWith('-')).ToList();
        var text = files.Count == 0
            ? await streams.Stdin.ReadToEndAsync(process.Killed).ConfigureAwait(false)
            : string.Concat(files.Select(f => TryRead(f, container, streams, "wc", out var t) ? t : string.Empty));
        var lines = text.Count(c => c == '\n');
        if (args.Contains("-l"))
        {
            return Print(streams, lines.ToString(CultureInfo.InvariantCulture));
        }

        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        return Print(streams, args.Contains("-w") ? words.ToString(CultureInfo.InvariantCulture)
            : args.Contains("-c") ? Encoding.UTF8.GetByteCount(text).ToString(CultureInfo.InvariantCulture)
            : $"{lines,7} {words,7} {Encoding.UTF8.GetByteCount(text),7}");
    }

    private static int Sequence(IReadOnlyList<string> args, ProcessStreams streams)
    {
        var numbers = args.Select(a => long.TryParse(a, out var n) ? n : (long?)null).ToList();
        if (numbers.Count is 0 or > 3 || numbers.Any(n => n is null))
        {
            return Fail(streams, "seq: invalid argument", 1);
        }

        var (first, step, last) = numbers.Count switch
        {
            1 => (1L, 1L, numbers[0]!.Value),
            2 => (numbers[0]!.Value, 1L, numbers[1]!.Value),
            _ => (numbers[0]!.Value, numbers[1]!.Value, numbers[2]!.Value),
        };
        var output = new StringBuilder();
        for (var i = first; step > 0 ? i <= last : i >= last; i += step)
        {
            output.Append(i).Append('\n');
            if (step == 0 || output.Length > 1 << 20)
            {
                break;
            }
        }

        streams.Stdout.Write(output.ToString());
        return 0;
    }

    private static bool TryRead(string file, ContainerContext container, ProcessStreams streams, string program, out string text)
    {
        try
        {
            text = file == "/dev/null" ? string.Empty : container.FileSystem.ReadAllText(EmulatedFileSystem.Combine(container.WorkingDirectory, file));
            return true;
        }
        catch (EmulatedIOException error)
        {
            streams.Stderr.Write($"{program}: can't open '{file}': {error.Message}\n");
            text = string.Empty;
            return false;
        }
    }

    private static string DirectoryOf(string path)
    {
        var trimmed = path.TrimEnd('/');
        var slash = trimmed.LastIndexOf('/');
        return slash < 0 ? "." : slash == 0 ? "/" : trimmed[..slash];
    }

    private static string Unescape(string text, out bool stop)
    {
        stop = false;
        var output = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\' || i + 1 >= text.Length)
            {
                output.Append(text[i]);
                continue;
            }

            var next = text[++i];
            switch (next)
            {
                case 'n': output.Append('\n'); break;
                case 't': output.Append('\t'); break;
                case 'r': output.Append('\r'); break;
                case '\\': output.Append('\\'); break;
                case 'a': output.Append('\a'); break;
                case 'c': stop = true; return output.ToString();
                default: output.Append('\\').Append(next); break;
            }
        }

        return output.ToString();
    }

    private static int Print(ProcessStreams streams, string line)
    {
        streams.Stdout.Write(line + "\n");
        return 0;
    }

    private static int Fail(ProcessStreams streams, string message, int code)
    {
        streams.Stderr.Write(message + "\n");
        return code;
    }
}
