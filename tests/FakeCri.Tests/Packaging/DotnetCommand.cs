using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace FakeCri.Tests.Packaging;

/// <summary>The finished run of a command: its exit code and everything it wrote.</summary>
public sealed record CommandResult(string Command, int ExitCode, string Stdout, string Stderr)
{
    /// <summary>The command, its exit code and output, for assertion messages.</summary>
    public override string ToString() => $"$ {Command}\nexit code {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>
/// Runs <c>dotnet</c> (or a program it installed) as a real child process, with output captured, a deadline, and a
/// clean MSBuild environment: no build server or node outlives the command, and nothing the test host's own build
/// exported leaks in.
/// </summary>
public static class DotnetCommand
{
    /// <summary>The .NET installation running the tests (the directory holding <c>dotnet</c> and <c>shared/</c>).</summary>
    public static string DotnetRoot { get; } =
        Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));

    /// <summary>Runs <c>dotnet</c> with <paramref name="arguments"/> in <paramref name="workingDirectory"/>.</summary>
    public static Task<CommandResult> RunDotnetAsync(
        IEnumerable<string> arguments,
        string workingDirectory,
        TimeSpan timeout,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? environment = null) =>
        RunAsync("dotnet", arguments, workingDirectory, timeout, cancellationToken, environment);

    /// <summary>Runs <paramref name="program"/>; on timeout or cancellation its whole process tree is killed.</summary>
    public static async Task<CommandResult> RunAsync(
        string program,
        IEnumerable<string> arguments,
        string workingDirectory,
        TimeSpan timeout,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var inherited = start.Environment.Keys
            .Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k.StartsWith("FAKECRI_", StringComparison.Ordinal))
            .ToList();
        foreach (var key in inherited)
        {
            start.Environment.Remove(key);
        }

        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["DOTNET_CLI_WORKLOAD_UPDATE_NOTIFY_DISABLE"] = "true";
        start.Environment.TryAdd("DOTNET_ROOT", DotnetRoot);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var command = string.Join(' ', start.ArgumentList.Prepend(program));
        var (stdout, stderr) = (new StringBuilder(), new StringBuilder());
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(stderr, e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException(
                $"{command} did not finish within {timeout}.\nstdout:\n{Read(stdout)}\nstderr:\n{Read(stderr)}");
        }

        // The parameterless wait also drains the redirected output to its end.
        process.WaitForExit();
        return new CommandResult(command, process.ExitCode, Read(stdout), Read(stderr));
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.Append(line).Append('\n');
        }
    }

    private static string Read(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
