using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;

namespace FakeCri.Tests.Infrastructure;

/// <summary>
/// The <c>fakecri</c> command as a real child process: started with <c>dotnet FakeCri.Cli.dll</c>, its stdout and
/// stderr captured line by line, stoppable with a real signal.
/// </summary>
public sealed partial class FakeCriProcess : IAsyncDisposable
{
    private const int SigTerm = 15;
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly TaskCompletionSource<IReadOnlyList<FakeCriEndpoint>> _listening =
        new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<FakeCriEndpoint> _endpoints = [];
    private readonly Task _stdoutPump;
    private readonly Task _stderrPump;

    private FakeCriProcess(Process process)
    {
        _process = process;
        _stdoutPump = PumpAsync(process.StandardOutput, _stdout, OnStdoutLine);
        _stderrPump = PumpAsync(process.StandardError, _stderr, _ => { });
    }

    public static string CliPath { get; } = typeof(FakeCriProcess).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "FakeCriCliPath").Value!;

    public int Id => _process.Id;

    public string Stdout => string.Join('\n', _stdout);

    public string Stderr => string.Join('\n', _stderr);

    public static FakeCriProcess Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(CliPath);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // A clean slate: the test run's own FAKECRI_* variables must not leak into the child.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("FAKECRI_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[key] = value;
        }

        return new FakeCriProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start"));
    }

    /// <summary>Waits until the banner has listed every endpoint (the line after them is blank).</summary>
    public async Task<IReadOnlyList<FakeCriEndpoint>> WaitUntilListeningAsync(CancellationToken cancellationToken)
    {
        var exited = _process.WaitForExitAsync(cancellationToken);
        var done = await Task.WhenAny(_listening.Task, exited);
        if (done == exited)
        {
            await Task.WhenAll(_stdoutPump, _stderrPump);
            throw new InvalidOperationException(
                $"fakecri exited with {_process.ExitCode} before listening.\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
        }

        return await _listening.Task;
    }

    public void SendSignal(int signal = SigTerm)
    {
        if (Kill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken);
        await Task.WhenAll(_stdoutPump, _stderrPump);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void OnStdoutLine(string line)
    {
        const string Prefix = "listening on ";
        if (line.StartsWith(Prefix, StringComparison.Ordinal))
        {
            _endpoints.Add(FakeCriEndpoint.Parse(line[Prefix.Length..]));
        }
        else if (line.Length == 0 && _endpoints.Count > 0)
        {
            _listening.TrySetResult(_endpoints.ToArray());
        }
    }

    private static async Task PumpAsync(StreamReader reader, ConcurrentQueue<string> lines, Action<string> onLine)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lines.Enqueue(line);
            onLine(line);
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
