using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Reflection;
using FakeCri.Benchmarks.Hosting;
using FakeCri.Cri.V1;

namespace FakeCri.Benchmarks.Measurements;

/// <summary>
/// <c>cold-start</c>: starts <c>fakecri serve</c> as a fresh process, again and again, and times (1) from the
/// process start until its unix socket accepts a connection, and (2) the first RunPodSandbox after that, on a new
/// connection from a client whose own code is already warm (it has talked to another fake first), so the figure
/// is the server's cold path. <c>--cli</c> measures another build of the tool (e.g. a ReadyToRun publish).
/// </summary>
public static class ColdStartMeasurement
{
    public static async Task<int> RunAsync(string[] arguments)
    {
        var args = new MeasurementArgs(arguments);
        var runs = args.Int("--runs", 10);
        var cli = args.Text("--cli") ?? typeof(ColdStartMeasurement).Assembly
            .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "FakeCriCliPath").Value!;
        if (!File.Exists(cli))
        {
            Console.Error.WriteLine($"cold-start: {cli} does not exist (build src/FakeCri.Cli in Release first)");
            return 1;
        }

        await WarmClientAsync();
        var accept = new List<double>();
        var first = new List<double>();
        var second = new List<double>();
        Console.WriteLine($"cold start of `dotnet {cli} serve`, {runs} runs");
        Console.WriteLine($"  {"run",4} {"accepting",12} {"1st RunPodSandbox",18} {"2nd",10}");
        for (var run = 1; run <= runs; run++)
        {
            var socket = BenchPaths.NewSocket();
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(cli);
            start.ArgumentList.Add("serve");
            start.ArgumentList.Add("-l");
            start.ArgumentList.Add("unix://" + socket);
            var launched = Stopwatch.GetTimestamp();
            using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                await WaitUntilAcceptingAsync(socket, process);
                var accepting = Stopwatch.GetElapsedTime(launched).TotalMilliseconds;
                using var channel = FakeCriChannel.ForEndpoint(FakeCriEndpoint.Unix(socket));
                var client = new RuntimeService.RuntimeServiceClient(channel);
                var called = Stopwatch.GetTimestamp();
                await client.RunPodSandboxAsync(new RunPodSandboxRequest { Config = KubeletRequests.Pod("cold") });
                var firstCall = Stopwatch.GetElapsedTime(called).TotalMilliseconds;
                called = Stopwatch.GetTimestamp();
                await client.RunPodSandboxAsync(new RunPodSandboxRequest { Config = KubeletRequests.Pod("warm") });
                var secondCall = Stopwatch.GetElapsedTime(called).TotalMilliseconds;
                accept.Add(accepting);
                first.Add(firstCall);
                second.Add(secondCall);
                Console.WriteLine($"  {run,4} {Ms(accepting),12} {Ms(firstCall),18} {Ms(secondCall),10}");
            }
            finally
            {
                process.Kill();
                await process.WaitForExitAsync();
                File.Delete(socket);
            }
        }

        Console.WriteLine($"  {"p50",4} {Ms(Percentiles.Median(accept)),12} {Ms(Percentiles.Median(first)),18} {Ms(Percentiles.Median(second)),10}");
        Console.WriteLine($"  {"max",4} {Ms(accept.Max()),12} {Ms(first.Max()),18} {Ms(second.Max()),10}");
        return 0;
    }

    /// <summary>JIT this process's client path (channel, handler, HTTP/2, generated client) against an in-process fake on a socket.</summary>
    private static async Task WarmClientAsync()
    {
        await using var warm = await FakeCriServer.StartAsync(FakeCriOptions.Default.WithListen(FakeCriEndpoint.Unix(BenchPaths.NewSocket())));
        using var channel = FakeCriChannel.ForEndpoint(warm.Endpoints[0]);
        var client = new RuntimeService.RuntimeServiceClient(channel);
        for (var i = 0; i < 20; i++)
        {
            await client.RunPodSandboxAsync(new RunPodSandboxRequest { Config = KubeletRequests.Pod($"warm-{i}") });
        }

        await WaitUntilAcceptingAsync(warm.Endpoints[0].SocketPath!, null);
    }

    private static async Task WaitUntilAcceptingAsync(string path, Process? process)
    {
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 30;
        while (true)
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(path));
                return;
            }
            catch (SocketException) when (Stopwatch.GetTimestamp() < deadline && process?.HasExited != true)
            {
                // Not there yet (no file, or nobody listening): poll again shortly; 1 ms is below what we report.
                Thread.Sleep(1);
            }
        }
    }

    private static string Ms(double milliseconds) => string.Create(CultureInfo.InvariantCulture, $"{milliseconds:F1} ms");
}
