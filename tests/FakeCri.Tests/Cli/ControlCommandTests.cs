using System.Text.Json;
using FakeCri.Cri.V1;
using FakeCri.Tests.Infrastructure;

namespace FakeCri.Tests.Cli;

/// <summary>
/// The <c>fakecri</c> subcommands that drive a running <c>fakecri serve</c> over the control API — each a real
/// process, against a real server process on a real unix socket.
/// </summary>
public sealed class ControlCommandTests
{
    private const string Scenario = """
        apiVersion: fakecri.io/v1alpha1
        kind: Scenario
        images:
          present: [busybox]
        pods:
          - name: web
            namespace: shop
            containers:
              - name: app
                command: [sh, -c, "sleep 30; exit 3"]
        """;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ServeVirtualClockWithScenario_ClockAdvance_ContainerExitsOnlyThen()
    {
        var (socket, scenario) = Files();
        await using var fakecri = FakeCriProcess.Start(["serve", "-l", "unix://" + socket, "--virtual-clock", "--scenario", scenario]);
        await fakecri.WaitUntilListeningAsync(Cancel);

        var before = await RunAsync(socket, "state");
        var clock = await RunAsync(socket, "clock", "now");
        await RunAsync(socket, "clock", "advance", "29s");
        var still = await RunAsync(socket, "state");
        await RunAsync(socket, "clock", "advance", "1s");
        var after = await RunAsync(socket, "state");

        Assert.Matches(@"web\s+shop\s+READY\s+127\.88\.0\.2\s+1", before);
        Assert.Matches(@"app\s+[0-9a-f]{13}\s+RUNNING", before);
        Assert.Contains("(virtual); next timer", clock, StringComparison.Ordinal);
        Assert.Matches(@"app\s+[0-9a-f]{13}\s+RUNNING", still);
        Assert.Matches(@"app\s+[0-9a-f]{13}\s+EXITED\s+3\s+Error", after);
    }

    [Fact]
    public async Task FaultAddListRemove_CriClientSeesTheFaultAndJournalShowsIt()
    {
        var (socket, _) = Files();
        await using var fakecri = FakeCriProcess.Start(["serve", "-l", "unix://" + socket]);
        var endpoints = await fakecri.WaitUntilListeningAsync(Cancel);

        var added = await RunAsync(socket, "fault", "add", "PullImage", "--code", "NOT_FOUND", "--message", "manifest unknown", "--times", "1", "--image", "nginx");
        var listed = await RunAsync(socket, "fault", "list");
        using (var channel = FakeCriChannel.ForEndpoint(endpoints[0]))
        {
            var images = new ImageService.ImageServiceClient(channel);
            await RpcAssert.FailsAsync(Grpc.Core.StatusCode.NotFound, images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = "nginx" } }, cancellationToken: Cancel), "manifest unknown");
            await images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = "nginx" } }, cancellationToken: Cancel);
        }

        var journal = await RunAsync(socket, "journal", "--method", "PullImage");
        var json = (await RunAsync(socket, "journal", "--json")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var emptied = await RunAsync(socket, "fault", "list");

        Assert.Equal("#1 fail with NotFound \"manifest unknown\": PullImage (image nginx) ×1", added.Trim());
        Assert.Equal(added, listed);
        Assert.Matches(@"#1 \S+ PullImage NotFound ""manifest unknown"" \[fault: #1 fail with NotFound", journal);
        Assert.Matches(@"#2 \S+ PullImage OK\n", journal + "\n");
        Assert.Equal(2, json.Length);
        using var first = JsonDocument.Parse(json[0]);
        Assert.Equal(("PullImage", "NotFound", 5), (first.RootElement.GetProperty("method").GetString(), first.RootElement.GetProperty("codeName").GetString(), first.RootElement.GetProperty("code").GetInt32()));
        Assert.Equal(string.Empty, emptied);
    }

    [Fact]
    public async Task CrashConditionAndReset_ChangeTheServersState()
    {
        var (socket, scenario) = Files();
        await using var fakecri = FakeCriProcess.Start(["serve", "-l", "unix://" + socket, "--scenario", scenario]);
        var endpoints = await fakecri.WaitUntilListeningAsync(Cancel);
        using var channel = FakeCriChannel.ForEndpoint(endpoints[0]);
        var runtime = new RuntimeService.RuntimeServiceClient(channel);
        var id = (await runtime.ListContainersAsync(new ListContainersRequest(), cancellationToken: Cancel)).Containers.Single().Id;

        await RunAsync(socket, "crash", id[..8], "--oom");
        await RunAsync(socket, "condition", "NetworkReady", "false", "--reason", "NoCni");
        var status = await runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = id }, cancellationToken: Cancel);
        var conditions = (await runtime.StatusAsync(new StatusRequest(), cancellationToken: Cancel)).Status.Conditions;
        await RunAsync(socket, "reset");

        Assert.Equal((137, "OOMKilled"), (status.Status.ExitCode, status.Status.Reason));
        Assert.Equal((false, "NoCni"), (conditions[1].Status, conditions[1].Reason));
        Assert.Empty((await runtime.ListPodSandboxAsync(new ListPodSandboxRequest(), cancellationToken: Cancel)).Items);
        Assert.True((await runtime.StatusAsync(new StatusRequest(), cancellationToken: Cancel)).Status.Conditions[1].Status);
    }

    [Fact]
    public async Task Mistakes_ExitCodesAndOneLineMessages()
    {
        var (socket, _) = Files();

        var absent = await RunRawAsync(socket, "state");
        await using var fakecri = FakeCriProcess.Start(["serve", "-l", "unix://" + socket]);
        await fakecri.WaitUntilListeningAsync(Cancel);
        var unknown = await RunRawAsync(socket, "crash", "feedface");
        var badDuration = await RunRawAsync(socket, "clock", "advance", "soon");
        var realClock = await RunRawAsync(socket, "clock", "advance", "1s");

        Assert.Equal(3, absent.Code);
        Assert.StartsWith("fakecri: no fake answers at unix://", absent.Stderr, StringComparison.Ordinal);
        Assert.Equal((1, "fakecri: NotFound: container \"feedface\": not found"), (unknown.Code, unknown.Stderr.Trim()));
        Assert.Equal(2, badDuration.Code);
        Assert.Contains("\"soon\" is not a duration", badDuration.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, realClock.Code);
        Assert.Contains("FailedPrecondition", realClock.Stderr, StringComparison.Ordinal);
    }

    private static (string Socket, string Scenario) Files()
    {
        var socket = TempSocket.NewPath();
        var scenario = Path.Combine(Path.GetTempPath(), $"fakecri-scenario-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(scenario, Scenario);
        return (socket, scenario);
    }

    private static async Task<string> RunAsync(string socket, params string[] arguments)
    {
        var (code, stdout, stderr) = await RunRawAsync(socket, arguments);
        Assert.True(code == 0, $"fakecri {string.Join(' ', arguments)} exited {code}: {stderr}");
        return stdout;
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunRawAsync(string socket, params string[] arguments)
    {
        await using var command = FakeCriProcess.Start(arguments, new Dictionary<string, string?> { ["FAKECRI_ENDPOINT"] = "unix://" + socket });
        var code = await command.WaitForExitAsync(Cancel);
        return (code, command.Stdout.Length == 0 ? string.Empty : command.Stdout + "\n", command.Stderr);
    }
}
