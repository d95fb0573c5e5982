using System.Globalization;
using System.Text;

namespace FakeCri.Processes.Shell;

/// <summary>
/// One running <c>sh</c>: variables, positional parameters, traps, functions, the working directory, and the
/// execution of parsed scripts. Builtins run in the shell's own process; other programs get a child process in
/// the container's table for as long as they run, so <c>ps</c> and <c>pgrep</c> see them, and signals sent to
/// the shell are handled (traps run) between commands, as POSIX shells do.
/// </summary>
internal sealed partial class ShellSession
{
    private const int MaxDepth = 100;
    private readonly EmulatedProcess _process;
    private readonly ContainerContext _container;
    private readonly Dictionary<string, string> _variables = new(StringComparer.Ordinal);
    private readonly HashSet<string> _exported = new(StringComparer.Ordinal);
    private readonly Dictionary<int, string> _traps = [];
    private readonly Dictionary<string, ShellCommand> _functions = new(StringComparer.Ordinal);
    private readonly List<EmulatedProcess> _jobs = [];
    private List<string> _positional = [];
    private string _name = "sh";
    private int _depth;
    private int _shellPid;
    private bool _inTrap;

    public ShellSession(EmulatedProcess process, ContainerContext container, ProcessStreams streams)
    {
        _process = process;
        _container = container;
        Streams = streams;
        WorkingDirectory = container.WorkingDirectory;
        foreach (var (name, value) in container.Environment)
        {
            _variables[name] = value;
            _exported.Add(name);
        }

        _shellPid = process.Pid;
        _variables.TryAdd("IFS", " \t\n");
        _variables["PPID"] = (process.Parent?.Pid ?? 0).ToString(CultureInfo.InvariantCulture);
    }

    public ProcessStreams Streams { get; private set; }

    public string WorkingDirectory { get; private set; }

    public int LastStatus { get; private set; }

    public void SetPositional(string name, IReadOnlyList<string> arguments)
    {
        _name = name;
        _positional = [.. arguments];
    }

    /// <summary>Runs a whole script; the exit status is the last command's unless <c>exit</c> says otherwise.</summary>
    public async Task<int> RunScriptAsync(string script)
    {
        CommandList program;
        try
        {
            program = ShellParser.Parse(script);
        }
        catch (ShellSyntaxException error)
        {
            Streams.Stderr.Write($"sh: {error.Message}\n");
            return 2;
        }

        try
        {
            await ExecuteAsync(program).ConfigureAwait(false);
            await HandleSignalsAsync().ConfigureAwait(false);
            return LastStatus;
        }
        catch (ShellExitException exit)
        {
            await RunExitTrapAsync().ConfigureAwait(false);
            return exit.ExitCode & 0xFF;
        }
    }

    /// <summary>Reads commands from stdin line by line and runs each; ends at end of file.</summary>
    public async Task<int> RunInteractiveAsync()
    {
        var pending = new StringBuilder();
        try
        {
            while (await Streams.Stdin.ReadLineAsync(_process.Killed).ConfigureAwait(false) is { } line)
            {
                pending.Append(line).Append('\n');
                CommandList program;
                try
                {
                    program = ShellParser.Parse(pending.ToString());
                }
                catch (ShellSyntaxException error) when (error.Message.Contains("end of file", StringComparison.Ordinal)
                    || error.Message.Contains("unterminated", StringComparison.Ordinal))
                {
                    continue; // an open if/while/quote: wait for the rest
                }
                catch (ShellSyntaxException error)
                {
                    Streams.Stderr.Write($"sh: {error.Message}\n");
                    pending.Clear();
                    LastStatus = 2;
                    continue;
                }

                pending.Clear();
                await ExecuteAsync(program).ConfigureAwait(false);
                await HandleSignalsAsync().ConfigureAwait(false);
            }

            return LastStatus;
        }
        catch (ShellExitException exit)
        {
            await RunExitTrapAsync().ConfigureAwait(false);
            return exit.ExitCode & 0xFF;
        }
    }

    public async Task ExecuteAsync(CommandList list)
    {
        foreach (var item in list.Items)
        {
            await HandleSignalsAsync().ConfigureAwait(false);
            if (item.Background)
            {
                StartBackground(item);
                LastStatus = 0;
                continue;
            }

            await ExecuteAndOrAsync(item).ConfigureAwait(false);
        }
    }

    private async Task ExecuteAndOrAsync(AndOrList item)
    {
        await ExecutePipelineAsync(item.First).ConfigureAwait(false);
        foreach (var step in item.Rest)
        {
            var run = step.Operator == AndOrOperator.And ? LastStatus == 0 : LastStatus != 0;
            if (run)
            {
                await HandleSignalsAsync().ConfigureAwait(false);
                await ExecutePipelineAsync(step.Pipeline).ConfigureAwait(false);
            }
        }
    }

    private async Task ExecutePipelineAsync(Pipeline pipeline)
    {
        if (pipeline.Commands.Count == 1)
        {
            await ExecuteCommandAsync(pipeline.Commands[0]).ConfigureAwait(false);
        }
        else
        {
            // Stages run one after another, each reading what the previous one wrote: enough for the filters
            // scripts use (`ps | grep x`), not for endless producers.
            var saved = Streams;
            var input = saved.Stdin;
            try
            {
                for (var i = 0; i < pipeline.Commands.Count; i++)
                {
                    var last = i == pipeline.Commands.Count - 1;
                    var capture = last ? null : new CapturedOutput();
                    Streams = saved with { Stdin = input, Stdout = capture ?? saved.Stdout };
                    await ExecuteCommandAsync(pipeline.Commands[i]).ConfigureAwait(false);
                    input = capture is null ? input : ProcessInput.FromText(capture.ToString());
                }
            }
            finally
            {
                Streams = saved;
            }
        }

        if (pipeline.Negated)
        {
            LastStatus = LastStatus == 0 ? 1 : 0;
        }
    }

    private async Task ExecuteCommandAsync(ShellCommand command)
    {
        if (++_depth > MaxDepth)
        {
            _depth = 0;
            Streams.Stderr.Write("sh: recursion too deep\n");
            throw new ShellExitException(2);
        }

        try
        {
            var saved = Streams;
            if (command is not SimpleCommand && command.Redirects.Count > 0)
            {
                if (!await ApplyRedirectsAsync(command.Redirects).ConfigureAwait(false))
                {
                    LastStatus = 1;
                    return;
                }
            }

            try
            {
                await (command switch
                {
                    SimpleCommand simple => ExecuteSimpleAsync(simple),
                    IfCommand conditional => ExecuteIfAsync(conditional),
                    LoopCommand loop => ExecuteLoopAsync(loop),
                    ForCommand loop => ExecuteForAsync(loop),
                    GroupCommand group => ExecuteGroupAsync(group),
                    FunctionDefinition function => DefineAsync(function),
                    _ => Task.CompletedTask,
                }).ConfigureAwait(false);
            }
            finally
            {
                Streams = saved;
            }
        }
        finally
        {
            _depth--;
        }
    }

    private Task DefineAsync(FunctionDefinition function)
    {
        _functions[function.Name] = function.Body;
        LastStatus = 0;
        return Task.CompletedTask;
    }

    private async Task ExecuteIfAsync(IfCommand command)
    {
        foreach (var branch in command.Branches)
        {
            await ExecuteAsync(branch.Condition).ConfigureAwait(false);
            if (LastStatus == 0)
            {
                await ExecuteAsync(branch.Body).ConfigureAwait(false);
                return;
            }
        }

        if (command.Else is { } otherwise)
        {
            await ExecuteAsync(otherwise).ConfigureAwait(false);
        }
        else
        {
            LastStatus = 0;
        }
    }

    private async Task ExecuteLoopAsync(LoopCommand loop)
    {
        var status = 0;
        var iterations = 0L;
        while (true)
        {
            await ExecuteAsync(loop.Condition).ConfigureAwait(false);
            if ((LastStatus == 0) == loop.Until)
            {
                break;
            }

            await ExecuteAsync(loop.Body).ConfigureAwait(false);
            status = LastStatus;

            // Loops run inline so that advancing a virtual clock carries a script straight to its next wait
            // (deterministic for tests). A loop that never waits would spin in zero virtual time: it yields its
            // thread now and then and stays killable.
            if (++iterations % 10_000 == 0)
            {
                await Task.Yield();
            }

            _process.Killed.ThrowIfCancellationRequested();
        }

        LastStatus = status;
    }

    private async Task ExecuteForAsync(ForCommand loop)
    {
        var items = loop.Items is null ? _positional : await ExpandWordsAsync(loop.Items).ConfigureAwait(false);
        LastStatus = 0;
        foreach (var item in items)
        {
            _variables[loop.Variable] = item;
            await ExecuteAsync(loop.Body).ConfigureAwait(false);
        }
    }

    private async Task ExecuteGroupAsync(GroupCommand group)
    {
        if (!group.Subshell)
        {
            await ExecuteAsync(group.Body).ConfigureAwait(false);
            return;
        }

        // A subshell: its variable and directory changes stay inside it.
        var variables = new Dictionary<string, string>(_variables, StringComparer.Ordinal);
        var directory = WorkingDirectory;
        try
        {
            await ExecuteAsync(group.Body).ConfigureAwait(false);
        }
        catch (ShellExitException exit)
        {
            LastStatus = exit.ExitCode & 0xFF;
        }
        finally
        {
            _variables.Clear();
            foreach (var (key, value) in variables)
            {
                _variables[key] = value;
            }

            WorkingDirectory = directory;
        }
    }

    private async Task ExecuteSimpleAsync(SimpleCommand command)
    {
        var words = await ExpandWordsAsync(command.Words).ConfigureAwait(false);
        var assignments = new List<KeyValuePair<string, string>>();
        foreach (var assignment in command.Assignments)
        {
            assignments.Add(new(assignment.Name, await ExpandToStringAsync(assignment.Value).ConfigureAwait(false)));
        }

        if (words.Count == 0)
        {
            foreach (var (name, value) in assignments)
            {
                _variables[name] = value;
            }

            if (command.Redirects.Count > 0)
            {
                await ApplyRedirectsAsync(command.Redirects).ConfigureAwait(false);
            }

            LastStatus = 0;
            return;
        }

        if (command.Redirects.Count > 0 && !await ApplyRedirectsAsync(command.Redirects).ConfigureAwait(false))
        {
            LastStatus = 1;
            return;
        }

        if (_functions.TryGetValue(words[0], out var function))
        {
            var saved = _positional;
            _positional = words.Skip(1).ToList();
            try
            {
                await ExecuteCommandAsync(function).ConfigureAwait(false);
            }
            catch (ReturnException returned)
            {
                LastStatus = returned.Status;
            }
            finally
            {
                _positional = saved;
            }

            return;
        }

        if (IsBuiltin(words[0]))
        {
            var temporary = assignments.Select(a => (a.Key, Old: _variables.GetValueOrDefault(a.Key))).ToList();
            foreach (var (name, value) in assignments)
            {
                _variables[name] = value;
            }

            LastStatus = await RunBuiltinAsync(words).ConfigureAwait(false);
            if (words[0] is not ("export" or "readonly" or "."))
            {
                foreach (var (name, old) in temporary)
                {
                    if (old is null)
                    {
                        _variables.Remove(name);
                    }
                    else
                    {
                        _variables[name] = old;
                    }
                }
            }

            return;
        }

        LastStatus = await RunProgramAsync(words, assignments).ConfigureAwait(false);
    }

    /// <summary>Runs a non-builtin program as a child process with the shell's exported environment.</summary>
    private async Task<int> RunProgramAsync(List<string> argv, List<KeyValuePair<string, string>> assignments)
    {
        var environment = _variables.Where(v => _exported.Contains(v.Key)).ToList();
        foreach (var (name, value) in assignments)
        {
            environment.RemoveAll(e => e.Key == name);
            environment.Add(new(name, value));
        }

        var child = _container.Processes.Spawn(argv, _process, _container.NowNanos);
        var code = 0;
        try
        {
            code = await Programs.RunAsync(child, _container.With(environment, WorkingDirectory), Streams, argv, topLevel: false)
                .ConfigureAwait(false);
            return code;
        }
        finally
        {
            _container.Processes.Exit(child, code);
            _process.Killed.ThrowIfCancellationRequested();
        }
    }

    /// <summary>The <c>exec</c> builtin: the program takes over this process.</summary>
    private async Task<int> ReplaceWithProgramAsync(List<string> argv)
    {
        var environment = _variables.Where(v => _exported.Contains(v.Key)).ToList();
        _process.Argv = [.. argv];
        return await Programs.RunAsync(_process, _container.With(environment, WorkingDirectory), Streams, argv, topLevel: false)
            .ConfigureAwait(false);
    }

    private void StartBackground(AndOrList item)
    {
        var job = _container.Processes.Spawn([_name], _process, _container.NowNanos);
        var session = new ShellSession(job, _container, Streams) { WorkingDirectory = WorkingDirectory };
        foreach (var (key, value) in _variables)
        {
            session._variables[key] = value;
        }

        session._exported.UnionWith(_exported);
        session._positional = [.. _positional];
        session._shellPid = _shellPid;
        foreach (var (key, value) in _functions)
        {
            session._functions[key] = value;
        }

        _jobs.Add(job);
        _variables["!"] = job.Pid.ToString(CultureInfo.InvariantCulture);
        _ = RunJobAsync(session, job, item);
    }

    private async Task RunJobAsync(ShellSession session, EmulatedProcess job, AndOrList item)
    {
        var code = 0;
        try
        {
            await Task.Yield();
            await session.ExecuteAndOrAsync(item with { Background = false }).ConfigureAwait(false);
            code = session.LastStatus;
        }
        catch (ShellExitException exit)
        {
            code = exit.ExitCode & 0xFF;
        }
        catch (ProcessTerminatedException terminated)
        {
            code = terminated.ExitCode;
        }
        catch (OperationCanceledException)
        {
            code = 128 + Signals.Kill;
        }
        finally
        {
            _container.Processes.Exit(job, code);
        }
    }

    /// <summary>
    /// Acts on signals sent to the shell: a trap runs its command; without one, PID 1 ignores the signal (the
    /// kernel's rule for a container's init) and any other shell takes the default action and ends.
    /// </summary>
    public async Task HandleSignalsAsync()
    {
        if (_inTrap)
        {
            return;
        }

        _process.Killed.ThrowIfCancellationRequested();
        while (_process.TakeSignal(out var signal))
        {
            if (_traps.TryGetValue(signal, out var action))
            {
                if (action.Length > 0)
                {
                    var status = LastStatus;
                    _inTrap = true;
                    try
                    {
                        await RunScriptFragmentAsync(action).ConfigureAwait(false);
                    }
                    finally
                    {
                        _inTrap = false;
                    }

                    LastStatus = status;
                }

                continue;
            }

            if (Signals.IgnoredByDefault(signal) || _process.Pid == 1)
            {
                continue;
            }

            throw new ProcessTerminatedException(signal);
        }
    }

    private async Task RunScriptFragmentAsync(string script)
    {
        CommandList program;
        try
        {
            program = ShellParser.Parse(script);
        }
        catch (ShellSyntaxException error)
        {
            Streams.Stderr.Write($"sh: {error.Message}\n");
            LastStatus = 2;
            return;
        }

        await ExecuteAsync(program).ConfigureAwait(false);
    }

    private async Task RunExitTrapAsync()
    {
        if (_traps.Remove(0, out var action) && action.Length > 0)
        {
            try
            {
                await RunScriptFragmentAsync(action).ConfigureAwait(false);
            }
            catch (ShellExitException)
            {
            }
        }
    }

    private sealed class ReturnException : Exception
    {
        public ReturnException(int status)
        {
            Status = status;
        }

        public int Status { get; }
    }
}
