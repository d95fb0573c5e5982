using System.Text.RegularExpressions;
using FakeCri.Cri.V1;
using FakeCri.Tests.Infrastructure;
using Grpc.Core;
using Microsoft.Extensions.Time.Testing;

namespace FakeCri.Tests.Processes;

/// <summary>
/// What a container's emulated processes do, seen through gRPC on an in-process fake with a virtual clock:
/// exit codes, logs, exec, signals, files, mounts and events.
/// </summary>
public sealed partial class ContainerProcessTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
    private FakeCriServer _cri = null!;
    private PodSandboxConfig _podConfig = null!;
    private string _pod = null!;
    private string _logDirectory = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default.WithTimeProvider(_clock), Cancel);
        await _cri.PullAsync("busybox", Cancel);
        _logDirectory = TempSocket.NewDirectory();
        _podConfig = Kubelet.PodConfig("proc", logDirectory: _logDirectory);
        _podConfig.Hostname = "proc-host";
        _podConfig.DnsConfig = new DNSConfig { Servers = { "10.10.10.10" }, Searches = { "google.com" }, Options = { "ndots:8" } };
        _pod = await _cri.RunPodAsync(_podConfig, Cancel);
    }

    public ValueTask DisposeAsync() => _cri.DisposeAsync();

    [Fact]
    public async Task StartContainer_ScriptThatExits3_ExitedWithErrorAndCriLogLine()
    {
        var id = await RunAsync("once", "sh", "-c", "echo hello; exit 3");

        var status = await _cri.StatusAsync(id, Cancel);
        Assert.Equal((ContainerState.ContainerExited, 3, "Error"), (status.State, status.ExitCode, status.Reason));
        Assert.Equal(status.StartedAt, status.FinishedAt); // no virtual time passed
        Assert.Equal(["2026-11-25T09:00:00Z stdout F hello"], await File.ReadAllLinesAsync(status.LogPath, Cancel));
    }

    [Fact]
    public async Task StartContainer_ScriptThatSucceeds_Completed()
    {
        var id = await RunAsync("ok", "sh", "-c", "echo out; echo err >&2; printf partial");

        var status = await _cri.StatusAsync(id, Cancel);
        Assert.Equal((ContainerState.ContainerExited, 0, "Completed"), (status.State, status.ExitCode, status.Reason));
        Assert.Equal(
            ["2026-11-25T09:00:00Z stdout F out", "2026-11-25T09:00:00Z stderr F err", "2026-11-25T09:00:00Z stdout P partial"],
            await File.ReadAllLinesAsync(status.LogPath, Cancel));
    }

    [Fact]
    public async Task StartContainer_UnknownCommandInScript_127NotFoundOnStderr()
    {
        var id = await RunAsync("missing", "sh", "-c", "frobnicate --now");

        var status = await _cri.StatusAsync(id, Cancel);
        Assert.Equal(127, status.ExitCode);
        Assert.Contains("stderr F sh: frobnicate: not found", await File.ReadAllTextAsync(status.LogPath, Cancel));
    }

    [Fact]
    public async Task ExecSync_EchoWithoutNewline_ExactBytes()
    {
        var id = await RunAsync("exec", "top");

        var result = await ExecAsync(id, 0, "echo", "-n", "hello");
        var spaced = await ExecAsync(id, 0, "echo", "hello", "World");

        Assert.Equal(("hello", "", 0), (result.Stdout.ToStringUtf8(), result.Stderr.ToStringUtf8(), result.ExitCode));
        Assert.Equal("hello World\n", spaced.Stdout.ToStringUtf8());
    }

    [Fact]
    public async Task ExecSync_NonZeroExit_IsAResponseNotAnError()
    {
        var id = await RunAsync("exit", "top");

        var result = await ExecAsync(id, 0, "sh", "-c", "echo oops >&2; exit 7");

        Assert.Equal((7, "oops\n"), (result.ExitCode, result.Stderr.ToStringUtf8()));
    }

    [Fact]
    public async Task ExecSync_SleepPastTimeout_DeadlineExceededAndProcessGone()
    {
        var id = await RunAsync("timeout", "top");

        var exec = _cri.RuntimeClient.ExecSyncAsync(
            new ExecSyncRequest { ContainerId = id, Cmd = { "sleep", "4321" }, Timeout = 1 }, cancellationToken: Cancel);
        await _cri.Runtime.WhenTimerDueAsync(_clock.GetUtcNow() + TimeSpan.FromSeconds(4321), Cancel); // sleep is running
        _clock.Advance(TimeSpan.FromSeconds(1));

        var error = await RpcAssert.FailsAsync(StatusCode.DeadlineExceeded, exec);
        var pgrep = await ExecAsync(id, 0, "sh", "-c", "pgrep sleep || true");
        Assert.Equal("failed to exec in container: timeout 1s exceeded: context deadline exceeded", error.Status.Detail);
        Assert.Equal("", pgrep.Stdout.ToStringUtf8());
    }

    [Fact]
    public async Task ExecSync_ContainerNotRunning_Unknown()
    {
        var id = await RunAsync("done", "true");

        await RpcAssert.FailsAsync(
            StatusCode.Unknown,
            _cri.RuntimeClient.ExecSyncAsync(new ExecSyncRequest { ContainerId = id, Cmd = { "ls" } }, cancellationToken: Cancel),
            "failed to exec in container: container is in CONTAINER_EXITED state");
    }

    [Fact]
    public async Task StopContainer_ProcessIgnoringSigterm_KilledWith137AfterGracePeriod()
    {
        // A shell as PID 1 has no SIGTERM handler: the kernel ignores the signal for a container's init.
        var id = await RunAsync("stubborn", "sh", "-c", "sleep 1000");
        var started = _clock.GetUtcNow();

        var stop = _cri.StopAsync(id, 10, Cancel);
        await _cri.Runtime.WhenTimerDueAsync(started + TimeSpan.FromSeconds(10), Cancel);
        _clock.Advance(TimeSpan.FromSeconds(9));
        var during = await _cri.StatusAsync(id, Cancel);
        _clock.Advance(TimeSpan.FromSeconds(1));
        await stop;
        var after = await _cri.StatusAsync(id, Cancel);

        Assert.Equal(ContainerState.ContainerRunning, during.State);
        Assert.Equal((ContainerState.ContainerExited, 137, "Error"), (after.State, after.ExitCode, after.Reason));
        Assert.Equal(after.StartedAt + 10_000_000_000, after.FinishedAt);
    }

    [Fact]
    public async Task StopContainer_TrappedSigterm_RunsTheTrap()
    {
        var id = await RunAsync("trap", "sh", "-c", "trap 'echo stopping; exit 0' TERM; while true; do sleep 1; done");

        var stop = _cri.StopAsync(id, 30, Cancel);
        await _cri.Runtime.WhenTimerDueAsync(_clock.GetUtcNow() + TimeSpan.FromSeconds(30), Cancel);
        _clock.Advance(TimeSpan.FromSeconds(1)); // the current `sleep 1` ends, then the trap runs
        await stop;

        var status = await _cri.StatusAsync(id, Cancel);
        Assert.Equal((0, "Completed"), (status.ExitCode, status.Reason));
        Assert.EndsWith("stdout F stopping", (await File.ReadAllLinesAsync(status.LogPath, Cancel))[^1]);
    }

    [Fact]
    public async Task ExecSync_SandboxFiles_ResolvConfAndHostname()
    {
        var id = await RunAsync("net", "top");

        var resolv = (await ExecAsync(id, 0, "cat", "/etc/resolv.conf")).Stdout.ToStringUtf8();
        var hostname = (await ExecAsync(id, 0, "hostname")).Stdout.ToStringUtf8();

        Assert.Equal("search google.com\nnameserver 10.10.10.10\noptions ndots:8\n", resolv);
        Assert.Equal("proc-host\n", hostname);
    }

    [Fact]
    public async Task Mounts_HostDirectory_ListedAndWrittenThrough()
    {
        var host = TempSocket.NewDirectory();
        await File.WriteAllTextAsync(Path.Combine(host, "seen.txt"), "from host", Cancel);
        await File.WriteAllTextAsync(Path.Combine(host, ".hidden"), "", Cancel);
        var config = Kubelet.ContainerConfig("mount", "busybox", 0, "top");
        config.Mounts.Add(new Mount { ContainerPath = "/data", HostPath = host });
        config.Mounts.Add(new Mount { ContainerPath = "/ro", HostPath = host, Readonly = true });
        var id = await _cri.CreateAsync(_pod, _podConfig, config, Cancel);
        await _cri.StartAsync(id, Cancel);

        var listing = await ExecAsync(id, 0, "ls", "-A", "/data");
        var write = await ExecAsync(id, 0, "sh", "-c", "echo written > /data/out.txt && cat /data/seen.txt");
        var readOnly = await ExecAsync(id, 0, "sh", "-c", "echo no > /ro/nope.txt");

        Assert.Equal(".hidden\nseen.txt\n", listing.Stdout.ToStringUtf8());
        Assert.Equal("from host", write.Stdout.ToStringUtf8());
        Assert.Equal("written\n", await File.ReadAllTextAsync(Path.Combine(host, "out.txt"), Cancel));
        Assert.NotEqual(0, readOnly.ExitCode);
        Assert.Contains("Read-only file system", readOnly.Stderr.ToStringUtf8());
        Assert.False(File.Exists(Path.Combine(host, "nope.txt")));
    }

    [Fact]
    public async Task ExecSync_FilesWrittenInContainer_VisibleToLaterExecsOnly()
    {
        var id = await RunAsync("files", "top");

        await ExecAsync(id, 0, "sh", "-c", "mkdir -p /work/a && echo one > /work/a/f && echo two >> /work/a/f");
        var read = await ExecAsync(id, 0, "cat", "/work/a/f");
        var env = await ExecAsync(id, 0, "sh", "-c", "echo $HOSTNAME $HOME; id");

        Assert.Equal("one\ntwo\n", read.Stdout.ToStringUtf8());
        Assert.Equal("proc-host /root\nuid=0(root) gid=0(root) groups=0(root)\n", env.Stdout.ToStringUtf8());
    }

    [Fact]
    public async Task ReopenContainerLog_LoopingLogger_WritesToNewFileOldStopsGrowing()
    {
        var id = await RunAsync("logger", "sh", "-c", "while true; do echo hello World; sleep 1; done");
        var path = (await _cri.StatusAsync(id, Cancel)).LogPath;
        await TickAsync(2);
        File.Move(path, path + ".1");

        await _cri.RuntimeClient.ReopenContainerLogAsync(new ReopenContainerLogRequest { ContainerId = id }, cancellationToken: Cancel);
        Assert.True(File.Exists(path), "a new file appears at once");
        var rotated = await File.ReadAllLinesAsync(path + ".1", Cancel);
        await TickAsync(3);

        Assert.Equal(3, rotated.Length);
        Assert.Equal(rotated, await File.ReadAllLinesAsync(path + ".1", Cancel));
        var fresh = await File.ReadAllLinesAsync(path, Cancel);
        Assert.Equal(3, fresh.Length);
        Assert.All(fresh, line => Assert.Matches(CriLogLine(), line));
    }

    [Fact]
    public async Task ReopenContainerLog_NotRunning_Unknown()
    {
        var id = await RunAsync("short", "true");

        await RpcAssert.FailsAsync(
            StatusCode.Unknown,
            _cri.RuntimeClient.ReopenContainerLogAsync(new ReopenContainerLogRequest { ContainerId = id }, cancellationToken: Cancel),
            "container is not running");
    }

    [Fact]
    public async Task GetContainerEvents_ContainerLifecycle_CreatedStartedStoppedDeletedInOrder()
    {
        using var events = _cri.RuntimeClient.GetContainerEvents(new GetEventsRequest(), cancellationToken: Cancel);
        await _cri.Runtime.WhenEventSubscribersAsync(1, Cancel);
        var id = await _cri.CreateAsync(_pod, _podConfig, Kubelet.ContainerConfig("events", "busybox", 0, "top"), Cancel);
        await _cri.StartAsync(id, Cancel);
        await _cri.StopAsync(id, 5, Cancel);
        await _cri.RuntimeClient.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = id }, cancellationToken: Cancel);

        var seen = new List<ContainerEventResponse>();
        while (seen.Count(e => e.ContainerId == id) < 4 && await events.ResponseStream.MoveNext(Cancel))
        {
            seen.Add(events.ResponseStream.Current);
        }

        var mine = seen.Where(e => e.ContainerId == id).ToList();
        Assert.Equal(
            [ContainerEventType.ContainerCreatedEvent, ContainerEventType.ContainerStartedEvent, ContainerEventType.ContainerStoppedEvent, ContainerEventType.ContainerDeletedEvent],
            mine.Select(e => e.ContainerEventType));
        Assert.All(mine, e => Assert.Equal(_pod, e.PodSandboxStatus.Id));
        Assert.Equal(ContainerState.ContainerExited, mine[2].ContainersStatuses.Single(s => s.Id == id).State);
        Assert.DoesNotContain(mine[3].ContainersStatuses, s => s.Id == id);
    }

    [Fact]
    public async Task GetContainerEvents_SandboxLifecycle_EventsCarryTheSandboxId()
    {
        using var events = _cri.RuntimeClient.GetContainerEvents(new GetEventsRequest(), cancellationToken: Cancel);
        await _cri.Runtime.WhenEventSubscribersAsync(1, Cancel);
        var pod = await _cri.RunPodAsync(Kubelet.PodConfig("evpod"), Cancel);
        await _cri.RuntimeClient.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = pod }, cancellationToken: Cancel);
        await _cri.RuntimeClient.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = pod }, cancellationToken: Cancel);

        var types = new List<ContainerEventType>();
        while (types.Count < 4 && await events.ResponseStream.MoveNext(Cancel))
        {
            if (events.ResponseStream.Current.ContainerId == pod)
            {
                types.Add(events.ResponseStream.Current.ContainerEventType);
            }
        }

        Assert.Equal(
            [ContainerEventType.ContainerCreatedEvent, ContainerEventType.ContainerStartedEvent, ContainerEventType.ContainerStoppedEvent, ContainerEventType.ContainerDeletedEvent],
            types);
    }

    [Fact]
    public async Task GetContainerEvents_InterleavedSandboxes_EachEventCarriesItsSandboxAsItWasThen()
    {
        // Published while nobody listens (kept in the backlog), then handed to the first subscriber: each event's
        // sandbox status is that event's sandbox in its state at the time, however events of two pods interleave.
        var a = await _cri.RunPodAsync(Kubelet.PodConfig("ev-a"), Cancel);
        var b = await _cri.RunPodAsync(Kubelet.PodConfig("ev-b"), Cancel);
        await _cri.RuntimeClient.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = b }, cancellationToken: Cancel);
        await _cri.RuntimeClient.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = a }, cancellationToken: Cancel);
        await _cri.RuntimeClient.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = a }, cancellationToken: Cancel);

        using var events = _cri.RuntimeClient.GetContainerEvents(new GetEventsRequest(), cancellationToken: Cancel);
        var seen = new List<(string Event, string Sandbox, PodSandboxState State, string Name)>();
        while (seen.Count < 7 && await events.ResponseStream.MoveNext(Cancel))
        {
            var current = events.ResponseStream.Current;
            if (current.ContainerId == a || current.ContainerId == b)
            {
                var status = current.PodSandboxStatus;
                seen.Add((current.ContainerId, status.Id, status.State, status.Metadata.Name));
            }
        }

        var ready = PodSandboxState.SandboxReady;
        var notReady = PodSandboxState.SandboxNotready;
        Assert.Equal(
            [(a, a, ready, "ev-a"), (a, a, ready, "ev-a"), (b, b, ready, "ev-b"), (b, b, ready, "ev-b"), (b, b, notReady, "ev-b"), (a, a, notReady, "ev-a"), (a, a, notReady, "ev-a")],
            seen);
    }

    [Fact]
    public async Task StartContainer_ImageDefaultCommand_NginxServesUntilStopped()
    {
        await _cri.PullAsync("nginx", Cancel);
        var config = Kubelet.ContainerConfig("web", "nginx");
        config.Command.Clear(); // the image's entrypoint and cmd
        var id = await _cri.CreateAsync(_pod, _podConfig, config, Cancel);
        await _cri.StartAsync(id, Cancel);

        var ps = await ExecAsync(id, 0, "ps");
        await _cri.StopAsync(id, 30, Cancel);

        Assert.Contains("/docker-entrypoint.sh nginx -g daemon off;", ps.Stdout.ToStringUtf8());
        Assert.Equal(128 + 3, (await _cri.StatusAsync(id, Cancel)).ExitCode); // nginx's stop signal is SIGQUIT
    }

    [Fact]
    public async Task CheckpointContainer_Running_WritesTarWithConfigAndFiles()
    {
        var id = await RunAsync("ckpt", "top");
        await ExecAsync(id, 0, "sh", "-c", "echo state > /tmp/state");
        var archive = Path.Combine(TempSocket.NewDirectory(), "ckpt.tar");

        await _cri.RuntimeClient.CheckpointContainerAsync(new CheckpointContainerRequest { ContainerId = id, Location = archive }, cancellationToken: Cancel);

        var entries = new Dictionary<string, string>();
        await using (var reader = new System.Formats.Tar.TarReader(File.OpenRead(archive)))
        {
            while (await reader.GetNextEntryAsync(cancellationToken: Cancel) is { } entry)
            {
                entries[entry.Name] = entry.DataStream is null ? "" : await new StreamReader(entry.DataStream).ReadToEndAsync(Cancel);
            }
        }

        Assert.Equal("state\n", entries["rootfs/tmp/state"]);
        Assert.Contains("\"ckpt\"", entries["config.json"]);
        Assert.Equal(ContainerState.ContainerRunning, (await _cri.StatusAsync(id, Cancel)).State);
    }

    [Fact]
    public async Task CheckpointContainer_NotRunning_UnknownAndNoFile()
    {
        var id = await RunAsync("gone", "true");
        var archive = Path.Combine(TempSocket.NewDirectory(), "ckpt.tar");

        await RpcAssert.FailsAsync(
            StatusCode.Unknown,
            _cri.RuntimeClient.CheckpointContainerAsync(new CheckpointContainerRequest { ContainerId = id, Location = archive }, cancellationToken: Cancel),
            $"container \"{id}\" is in CONTAINER_EXITED state. only CONTAINER_RUNNING containers can be checkpointed");
        Assert.False(File.Exists(archive));
    }

    [Theory]
    [InlineData(false, ContainerState.ContainerExited)]
    [InlineData(true, ContainerState.ContainerRunning)]
    public async Task StartContainer_ShellWithOrWithoutStdin_ExitsAtEofOrWaitsForInput(bool stdin, ContainerState expected)
    {
        var config = Kubelet.ContainerConfig(stdin ? "interactive" : "batch", "busybox", 0, "sh");
        config.Stdin = stdin;
        var id = await _cri.CreateAsync(_pod, _podConfig, config, Cancel);
        await _cri.StartAsync(id, Cancel);

        Assert.Equal(expected, (await _cri.StatusAsync(id, Cancel)).State);
    }

    private async Task<string> RunAsync(string name, params string[] command)
    {
        var id = await _cri.CreateAsync(_pod, _podConfig, Kubelet.ContainerConfig(name, "busybox", 0, command), Cancel);
        await _cri.StartAsync(id, Cancel);
        return id;
    }

    private Task<ExecSyncResponse> ExecAsync(string id, long timeout, params string[] command) =>
        _cri.RuntimeClient.ExecSyncAsync(new ExecSyncRequest { ContainerId = id, Cmd = { command }, Timeout = timeout }, cancellationToken: Cancel).ResponseAsync;

    /// <summary>Advances the virtual clock one second at a time, each time after the loop's next sleep is pending.</summary>
    private async Task TickAsync(int seconds)
    {
        for (var i = 0; i < seconds; i++)
        {
            await _cri.Runtime.WhenTimerDueAsync(_clock.GetUtcNow() + TimeSpan.FromSeconds(1), Cancel);
            _clock.Advance(TimeSpan.FromSeconds(1));
        }

        await _cri.Runtime.WhenTimerDueAsync(_clock.GetUtcNow() + TimeSpan.FromSeconds(1), Cancel);
    }

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z stdout F hello World$")]
    private static partial Regex CriLogLine();
}
