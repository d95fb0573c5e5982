using System.Text.Json;
using System.Text.RegularExpressions;
using FakeCri.Cri.V1;
using FakeCri.Tests.Infrastructure;

namespace FakeCri.Tests.Cli;

/// <summary>
/// <c>fakecri bench</c> as a real process, against a <c>fakecri serve</c> process on a real unix socket. Small runs;
/// the shape of the report and the state left behind are asserted, never the timings.
/// </summary>
public sealed class BenchCommandTests
{
    private static readonly string[] Operations =
    [
        "RunPodSandbox", "PodSandboxStatus", "StopPodSandbox", "RemovePodSandbox", "pod lifecycle",
        "CreateContainer", "StartContainer", "ContainerStatus", "StopContainer", "RemoveContainer", "container lifecycle",
    ];

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Bench_AgainstServe_TableWithEveryOperationAndNoPodsLeft()
    {
        var socket = TempSocket.NewPath();
        await using var serve = FakeCriProcess.Start(["serve", "-l", "unix://" + socket]);
        var endpoints = await serve.WaitUntilListeningAsync(Cancel);

        var (code, stdout, stderr) = await RunAsync("bench", "--endpoint", "unix://" + socket, "--pods", "12", "--containers", "12", "--parallel", "3", "--warmup", "2");

        Assert.True(code == 0, $"fakecri bench exited {code}: {stderr}");
        foreach (var operation in Operations)
        {
            Assert.Matches(new Regex($@"^{Regex.Escape(operation)}\s+12\s+\S+s\s+\S+s\s+\S+s$", RegexOptions.Multiline), stdout);
        }

        Assert.Matches(@"(?m)^target\s+unix://", stdout);
        Assert.Matches(@"(?m)^clients\s+3$", stdout);
        Assert.Matches(@"(?m)^pod lifecycles/s\s+\d+\.\d$", stdout);
        Assert.Matches(@"(?m)^container lifecycles/s\s+\d+\.\d$", stdout);
        Assert.Contains("bench: pod lifecycles: 12/12 (100%)", stderr, StringComparison.Ordinal);
        await AssertEmptyAsync(endpoints[0]);
    }

    [Fact]
    public async Task BenchJson_AgainstServe_OneObjectWithCountsAndPercentiles()
    {
        var socket = TempSocket.NewPath();
        await using var serve = FakeCriProcess.Start(["serve", "-l", "unix://" + socket]);
        var endpoints = await serve.WaitUntilListeningAsync(Cancel);

        var (code, stdout, stderr) = await RunAsync("bench", "--endpoint", "unix://" + socket, "-n", "8", "--containers", "5", "-p", "2", "-w", "1", "--json");

        Assert.True(code == 0, $"fakecri bench exited {code}: {stderr}");
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.Equal(("unix://" + socket, 2, 1), (root.GetProperty("target").GetString(), root.GetProperty("parallel").GetInt32(), root.GetProperty("warmup").GetInt32()));
        Assert.Equal(8, root.GetProperty("pods").GetProperty("lifecycles").GetInt32());
        Assert.Equal(5, root.GetProperty("containers").GetProperty("lifecycles").GetInt32());
        Assert.True(root.GetProperty("pods").GetProperty("lifecyclesPerSecond").GetDouble() > 0);
        var operations = root.GetProperty("operations").EnumerateArray().ToList();
        Assert.Equal(Operations, operations.Select(o => o.GetProperty("name").GetString()));
        Assert.All(operations, operation =>
        {
            var calls = operation.GetProperty("calls").GetInt32();
            Assert.Equal(operation.GetProperty("name").GetString()!.Contains("Container", StringComparison.OrdinalIgnoreCase) ? 5 : 8, calls);
            var (p50, p90, p99) = (operation.GetProperty("p50Us").GetDouble(), operation.GetProperty("p90Us").GetDouble(), operation.GetProperty("p99Us").GetDouble());
            Assert.True(p50 > 0 && p50 <= p90 && p90 <= p99, $"{operation}: percentiles out of order");
        });
        await AssertEmptyAsync(endpoints[0]);
    }

    [Fact]
    public async Task BenchInProcess_NoServer_Table()
    {
        var (code, stdout, stderr) = await RunAsync("bench", "--in-process", "-n", "10", "--containers", "10", "-p", "2", "-w", "1");

        Assert.True(code == 0, $"fakecri bench exited {code}: {stderr}");
        Assert.Matches(@"(?m)^target\s+in-process \(direct invoker\)$", stdout);
        Assert.Matches(@"(?m)^container lifecycle\s+10\s", stdout);
    }

    [Fact]
    public async Task Bench_Mistakes_ExitCodesAndOneLineMessages()
    {
        var absent = await RunAsync("bench", "--endpoint", "unix://" + TempSocket.NewPath(), "-n", "1", "--containers", "0");
        var nothing = await RunAsync("bench", "--in-process", "-n", "0", "--containers", "0");
        var both = await RunAsync("bench", "--in-process", "--endpoint", "unix:///tmp/x.sock");
        var parallel = await RunAsync("bench", "--in-process", "--parallel", "0");

        Assert.Equal(3, absent.Code);
        Assert.StartsWith("fakecri: no CRI runtime answers at unix://", absent.Stderr.Split('\n').Last(l => l.Length > 0), StringComparison.Ordinal);
        Assert.Equal((2, "fakecri: nothing to measure: --pods and --containers are both 0"), (nothing.Code, nothing.Stderr.Trim()));
        Assert.Equal((2, "fakecri: --in-process and --endpoint exclude each other"), (both.Code, both.Stderr.Trim()));
        Assert.Equal((2, "fakecri: --parallel must be at least 1"), (parallel.Code, parallel.Stderr.Trim()));
    }

    private static async Task AssertEmptyAsync(FakeCriEndpoint endpoint)
    {
        using var channel = FakeCriChannel.ForEndpoint(endpoint);
        var runtime = new RuntimeService.RuntimeServiceClient(channel);
        Assert.Empty((await runtime.ListPodSandboxAsync(new ListPodSandboxRequest(), cancellationToken: Cancel)).Items);
        Assert.Empty((await runtime.ListContainersAsync(new ListContainersRequest(), cancellationToken: Cancel)).Containers);
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] arguments)
    {
        await using var command = FakeCriProcess.Start(arguments);
        var code = await command.WaitForExitAsync(Cancel);
        return (code, command.Stdout, command.Stderr);
    }
}
