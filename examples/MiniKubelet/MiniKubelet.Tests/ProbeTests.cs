using FakeCri;
using FakeCri.Behaviors;
using FakeCri.Cri.V1;
using FakeCri.Faults;
using Grpc.Core;
using Microsoft.Extensions.Time.Testing;

namespace MiniKubelet.Tests;

/// <summary>Readiness and liveness through ExecSync.</summary>
public sealed class ProbeTests
{
    private static readonly ExecProbe CatReady = new(["cat", "/ready"], Period: TimeSpan.FromSeconds(5));

    [Fact(Timeout = 10_000)]
    public async Task ReadinessProbe_OneContainerAnswersOneHasNoFile_OnlyTheAnsweringOneIsReady()
    {
        var ct = TestContext.Current.CancellationToken;
        var clock = new FakeTimeProvider();
        await using var cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default
            .WithTimeProvider(clock)
            .WithBehavior(ContainerBehavior.ForContainer("app").AnswersExec(["cat", "/ready"], stdout: "ok")), ct);
        var worker = Workers.For(cri);
        var pod = new PodSpec("web", "default", "uid-web")
        {
            Containers =
            [
                new ContainerSpec("app", "busybox", ["top"]) { ReadinessProbe = CatReady },
                new ContainerSpec("sidecar", "busybox", ["top"]) { ReadinessProbe = CatReady }, // no /ready: cat fails
            ],
        };

        var run = worker.RunAsync(pod, ct);
        var running = await clock.AdvanceUntilAsync(worker, s => s.Phase == PodPhase.Running, TimeSpan.FromMinutes(1), ct);

        Assert.True(running.Container("app").Ready);
        Assert.False(running.Container("sidecar").Ready);
        Assert.False(running.Ready);
        var probes = cri.Journal.Calls("ExecSync").Select(c => ((ExecSyncResponse)c.Response!).ExitCode);
        Assert.Equal([0, 1], probes);

        await worker.TerminateAsync(ct);
        await run;
    }

    [Fact(Timeout = 10_000)]
    public async Task ReadinessProbe_FileAppearsAfterWarmUp_ReadyFromTheFirstProbeAfterIt()
    {
        var ct = TestContext.Current.CancellationToken;
        var clock = new FakeTimeProvider();
        await using var cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default.WithTimeProvider(clock), ct);
        var worker = Workers.For(cri);
        var start = clock.GetUtcNow();
        var pod = new PodSpec("web", "default", "uid-web")
        {
            Containers = [new ContainerSpec("app", "busybox", ["sh", "-c", "sleep 12; touch /ready; sleep 3600"]) { ReadinessProbe = CatReady }],
        };

        var run = worker.RunAsync(pod, ct);
        var ready = await clock.AdvanceUntilAsync(worker, s => s.Ready, TimeSpan.FromMinutes(1), ct);

        // Probes at 0s, 5s and 10s find no file; the one at 15s does.
        Assert.Equal(start + TimeSpan.FromSeconds(15), ready.ObservedAt);
        Assert.Equal(4, cri.Journal.Count("ExecSync"));

        // sh is the container's PID 1 and has no SIGTERM trap, so it ignores the stop signal, as in a real
        // container: the stop takes the whole grace period. Move the clock through it.
        var terminate = worker.TerminateAsync(ct);
        await cri.Runtime.WhenTimerDueAsync(clock.GetUtcNow() + pod.TerminationGracePeriod, ct);
        clock.Advance(pod.TerminationGracePeriod);
        await terminate;
        await run;
    }

    [Fact(Timeout = 10_000)]
    public async Task LivenessProbe_FailsThreeTimesInARow_ContainerIsStoppedWithGracePeriodAndRestarted()
    {
        var ct = TestContext.Current.CancellationToken;
        var clock = new FakeTimeProvider();
        await using var cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default
            .WithTimeProvider(clock)
            .WithBehavior(ContainerBehavior.ForContainer("app").AnswersExec(["cat", "/healthy"], stdout: "ok")), ct);
        var worker = Workers.For(cri);
        var start = clock.GetUtcNow();
        var pod = new PodSpec("web", "default", "uid-web")
        {
            Containers =
            [
                new ContainerSpec("app", "busybox", ["top"])
                {
                    LivenessProbe = new ExecProbe(["cat", "/healthy"], Period: TimeSpan.FromSeconds(10)) { FailureThreshold = 3 },
                },
            ],
            TerminationGracePeriod = TimeSpan.FromSeconds(30),
        };
        var run = worker.RunAsync(pod, ct);
        await clock.AdvanceUntilAsync(worker, s => s.Phase == PodPhase.Running, TimeSpan.FromMinutes(1), ct);

        // The app hangs: its next three probes time out.
        cri.Faults.Fail(
            "ExecSync", StatusCode.DeadlineExceeded, "failed to exec in container: timeout 1s exceeded: context deadline exceeded",
            new FaultMatch { ContainerName = "app" }, times: 3);
        var restarted = await clock.AdvanceUntilAsync(
            worker, s => s.Container("app") is { State: Running, RestartCount: 1 }, TimeSpan.FromMinutes(2), ct);

        // Probes at 10s, 20s and 30s failed; then StopContainer with the grace period. top ends on SIGTERM (143).
        Assert.Equal(
            [StatusCode.OK, StatusCode.DeadlineExceeded, StatusCode.DeadlineExceeded, StatusCode.DeadlineExceeded],
            cri.Journal.Calls("ExecSync").Take(4).Select(c => c.Code));
        var stop = Assert.Single(cri.Journal.Calls("StopContainer"));
        Assert.Equal(start + TimeSpan.FromSeconds(30), stop.StartedAt);
        Assert.Equal(30, stop.RequestAs<StopContainerRequest>()!.Timeout);
        Assert.Equal(143, restarted.Container("app").LastTermination!.ExitCode);

        // The restart policy takes it from there, back-off included: the new attempt runs from 40s…
        Assert.Equal(start + TimeSpan.FromSeconds(40), restarted.ObservedAt);

        // …and passes its first probe, on the next sync.
        await clock.AdvanceUntilAsync(worker, _ => cri.Journal.Count("ExecSync") == 5, TimeSpan.FromMinutes(1), ct);
        Assert.Equal(StatusCode.OK, cri.Journal.Last("ExecSync")!.Code);

        await worker.TerminateAsync(ct);
        await run;
    }
}
