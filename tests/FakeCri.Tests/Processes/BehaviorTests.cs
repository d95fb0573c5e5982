using FakeCri.Behaviors;
using FakeCri.Cri.V1;
using FakeCri.Tests.Infrastructure;
using Grpc.Core;
using Microsoft.Extensions.Time.Testing;

namespace FakeCri.Tests.Processes;

/// <summary>Declared behaviours, from C# and from annotations, on a virtual clock.</summary>
public sealed class BehaviorTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Crashes_EveryAttempt_CrashLoopsWithItsCode()
    {
        await using var cri = await StartAsync(ContainerBehavior.ForImage("busybox").Crashes(TimeSpan.FromSeconds(5), exitCode: 2));
        var (pod, podConfig) = await PodAsync(cri);

        for (uint attempt = 0; attempt < 3; attempt++)
        {
            var id = await cri.CreateAsync(pod, podConfig, Kubelet.ContainerConfig("loop", "busybox", attempt), Cancel);
            await cri.StartAsync(id, Cancel);
            Assert.Equal(ContainerState.ContainerRunning, (await cri.StatusAsync(id, Cancel)).State);
            await cri.Runtime.WhenTimerDueAsync(_clock.GetUtcNow() + TimeSpan.FromSeconds(5), Cancel);
            _clock.Advance(TimeSpan.FromSeconds(5));
            var status = await WaitForExitAsync(cri, id);
            Assert.Equal((2, "Error"), (status.ExitCode, status.Reason));
        }
    }

    [Fact]
    public async Task IsOomKilled_AfterDelay_137WithOomKilledReason()
    {
        await using var cri = await StartAsync(ContainerBehavior.ForContainer("hog").IsOomKilled(TimeSpan.FromSeconds(3)));
        var (pod, podConfig) = await PodAsync(cri);
        var id = await cri.CreateAsync(pod, podConfig, Kubelet.ContainerConfig("hog"), Cancel);
        await cri.StartAsync(id, Cancel);

        await cri.Runtime.WhenTimerDueAsync(_clock.GetUtcNow() + TimeSpan.FromSeconds(3), Cancel);
        _clock.Advance(TimeSpan.FromSeconds(3));
        var status = await WaitForExitAsync(cri, id);

        Assert.Equal((137, "OOMKilled"), (status.ExitCode, status.Reason));
    }

    [Fact]
    public async Task FailsToStart_StartError128WithTheMessage()
    {
        await using var cri = await StartAsync(ContainerBehavior.ForAll().FailsToStart("exec format error"));
        var (pod, podConfig) = await PodAsync(cri);
        var id = await cri.CreateAsync(pod, podConfig, Kubelet.ContainerConfig("bad"), Cancel);

        await RpcAssert.FailsAsync(StatusCode.Unknown, () => cri.StartAsync(id, Cancel), "exec format error");
        var status = await cri.StatusAsync(id, Cancel);

        Assert.Equal((ContainerState.ContainerExited, 128, "StartError", "exec format error"), (status.State, status.ExitCode, status.Reason, status.Message));
    }

    [Fact]
    public async Task IgnoresSigterm_TopIsKilledAtTheEndOfTheGracePeriod()
    {
        await using var cri = await StartAsync(ContainerBehavior.ForContainer("deaf").IgnoresSigterm());
        var (pod, podConfig) = await PodAsync(cri);
        var id = await cri.CreateAsync(pod, podConfig, Kubelet.ContainerConfig("deaf"), Cancel);
        await cri.StartAsync(id, Cancel);

        var stop = cri.StopAsync(id, 10, Cancel);
        await cri.Runtime.WhenTimerDueAsync(_clock.GetUtcNow() + TimeSpan.FromSeconds(10), Cancel);
        _clock.Advance(TimeSpan.FromSeconds(10));
        await stop;

        Assert.Equal(137, (await cri.StatusAsync(id, Cancel)).ExitCode);
    }

    [Fact]
    public async Task LogsEveryAndAnswersExec_LinesOnScheduleAndCannedOutput()
    {
        await using var cri = await StartAsync(ContainerBehavior.ForImage("docker.io/library/busybox:latest")
            .LogsEvery(TimeSpan.FromSeconds(1), "tick")
            .AnswersExec(["cat", "/ready"], "ok\n"));
        var (pod, podConfig) = await PodAsync(cri, TempSocket.NewDirectory());
        var id = await cri.CreateAsync(pod, podConfig, Kubelet.ContainerConfig("ticker"), Cancel);
        await cri.StartAsync(id, Cancel);

        for (var i = 0; i < 3; i++)
        {
            await cri.Runtime.WhenTimerDueAsync(_clock.GetUtcNow() + TimeSpan.FromSeconds(1), Cancel);
            _clock.Advance(TimeSpan.FromSeconds(1));
        }

        await cri.Runtime.WhenTimerDueAsync(_clock.GetUtcNow() + TimeSpan.FromSeconds(1), Cancel); // the 4th is pending
        var exec = await cri.RuntimeClient.ExecSyncAsync(new ExecSyncRequest { ContainerId = id, Cmd = { "cat", "/ready" } }, cancellationToken: Cancel);
        var log = await File.ReadAllLinesAsync((await cri.StatusAsync(id, Cancel)).LogPath, Cancel);

        Assert.Equal("ok\n", exec.Stdout.ToStringUtf8());
        Assert.Equal(
            ["2026-11-25T09:00:01Z stdout F tick", "2026-11-25T09:00:02Z stdout F tick", "2026-11-25T09:00:03Z stdout F tick"],
            log);
    }

    [Fact]
    public async Task Annotations_OnTheSandbox_DriveTheContainer()
    {
        await using var cri = await StartAsync(null);
        var podConfig = Kubelet.PodConfig("annotated");
        podConfig.Annotations["fakecri.io/exit-after"] = "2s";
        podConfig.Annotations["fakecri.io/exit-code"] = "4";
        var pod = await cri.RunPodAsync(podConfig, Cancel);
        var id = await cri.CreateAsync(pod, podConfig, Kubelet.ContainerConfig("c"), Cancel);
        await cri.StartAsync(id, Cancel);

        await cri.Runtime.WhenTimerDueAsync(_clock.GetUtcNow() + TimeSpan.FromSeconds(2), Cancel);
        _clock.Advance(TimeSpan.FromSeconds(2));
        var status = await WaitForExitAsync(cri, id);

        Assert.Equal((4, "Error"), (status.ExitCode, status.Reason));
    }

    private async Task<FakeCriServer> StartAsync(ContainerBehavior? behavior)
    {
        var options = FakeCriOptions.Default.WithTimeProvider(_clock);
        var cri = await FakeCriServer.StartInProcessAsync(behavior is null ? options : options.WithBehavior(behavior), Cancel);
        await cri.PullAsync("busybox", Cancel);
        return cri;
    }

    private static async Task<(string Pod, PodSandboxConfig Config)> PodAsync(FakeCriServer cri, string? logDirectory = null)
    {
        var config = Kubelet.PodConfig("behaving", logDirectory: logDirectory);
        return (await cri.RunPodAsync(config, Cancel), config);
    }

    /// <summary>The exit is recorded by the container's own continuation; wait for its STOPPED event.</summary>
    private static async Task<ContainerStatus> WaitForExitAsync(FakeCriServer cri, string id)
    {
        var status = await cri.StatusAsync(id, Cancel);
        if (status.State == ContainerState.ContainerExited)
        {
            return status;
        }

        using var events = cri.RuntimeClient.GetContainerEvents(new GetEventsRequest(), cancellationToken: Cancel);
        status = await cri.StatusAsync(id, Cancel);
        while (status.State != ContainerState.ContainerExited && await events.ResponseStream.MoveNext(Cancel))
        {
            if (events.ResponseStream.Current.ContainerId == id && events.ResponseStream.Current.ContainerEventType == ContainerEventType.ContainerStoppedEvent)
            {
                status = await cri.StatusAsync(id, Cancel);
            }
        }

        return status;
    }
}
