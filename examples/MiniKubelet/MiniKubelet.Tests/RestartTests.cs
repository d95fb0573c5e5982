using FakeCri;
using FakeCri.Behaviors;
using FakeCri.Cri.V1;
using Microsoft.Extensions.Time.Testing;

namespace MiniKubelet.Tests;

/// <summary>Containers that exit: restart policies, CrashLoopBackOff, crashes from outside.</summary>
public sealed class RestartTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact(Timeout = 10_000)]
    public async Task SyncLoop_ContainerCrashesEverySecond_RestartedAfter10Then20Then40Seconds()
    {
        var ct = TestContext.Current.CancellationToken;
        var clock = new FakeTimeProvider();
        await using var cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default
            .WithTimeProvider(clock)
            .WithBehavior(ContainerBehavior.ForContainer("app").Crashes(after: TimeSpan.FromSeconds(1), exitCode: 2)), ct);
        var worker = Workers.For(cri);
        var start = clock.GetUtcNow();
        var run = worker.RunAsync(new PodSpec("web", "default", "uid-web") { Containers = [new ContainerSpec("app", "busybox", ["top"])] }, ct);

        foreach (var (restarts, backoff) in new[] { (0, 10), (1, 20), (2, 40) })
        {
            // After each crash: CrashLoopBackOff, with the exit kept as the last termination…
            var waiting = await clock.AdvanceUntilAsync(
                worker, s => s.Container("app") is { State: Waiting { Reason: Waiting.CrashLoopBackOff } } c && c.RestartCount == restarts,
                TimeSpan.FromMinutes(2), ct);
            var crash = waiting.Container("app").LastTermination!;
            Assert.Equal((2, "Error"), (crash.ExitCode, crash.Reason));
            Assert.Contains($"back-off {backoff}s", ((Waiting)waiting.Container("app").State).Message, StringComparison.Ordinal);
            Assert.False(waiting.Ready);

            // …then a new attempt, exactly the back-off after the crash.
            var restarted = await clock.AdvanceUntilAsync(
                worker, s => s.Container("app") is { State: Running } c && c.RestartCount == restarts + 1, TimeSpan.FromMinutes(2), ct);
            Assert.Equal(crash.FinishedAt + TimeSpan.FromSeconds(backoff), restarted.ObservedAt);
        }

        // Each attempt ran 1s; the journal shows the same story: created at 0s, 11s, 32s and 73s, attempts 0 to 3.
        Assert.Equal([0 * Second, 11 * Second, 32 * Second, 73 * Second], cri.Journal.Calls("CreateContainer").Select(c => c.StartedAt - start));
        Assert.Equal([0u, 1u, 2u, 3u], cri.Journal.Requests<CreateContainerRequest>().Select(r => r.Config.Metadata.Attempt));

        await worker.TerminateAsync(ct);
        await run;
    }

    [Theory(Timeout = 10_000)]
    [InlineData(RestartPolicy.OnFailure, 0, PodPhase.Succeeded)]
    [InlineData(RestartPolicy.Never, 0, PodPhase.Succeeded)]
    [InlineData(RestartPolicy.Never, 3, PodPhase.Failed)]
    public async Task SyncLoop_ExitThePolicyDoesNotRestart_ContainerStaysTerminatedAndThePodCompletes(
        RestartPolicy policy, int exitCode, PodPhase phase)
    {
        var ct = TestContext.Current.CancellationToken;
        var clock = new FakeTimeProvider();
        await using var cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default.WithTimeProvider(clock), ct);
        var worker = Workers.For(cri);
        var start = clock.GetUtcNow();
        var pod = new PodSpec("batch", "default", "uid-batch")
        {
            Containers = [new ContainerSpec("job", "busybox", ["sh", "-c", $"sleep 5; exit {exitCode}"])],
            RestartPolicy = policy,
        };

        var run = worker.RunAsync(pod, ct);
        var done = await clock.AdvanceUntilAsync(worker, s => s.NextSyncAt is null, TimeSpan.FromMinutes(1), ct);
        await run; // RunAsync ends by itself: nothing will run again

        Assert.Equal(phase, done.Phase);
        var job = done.Container("job");
        Assert.Equal(exitCode, Assert.IsType<Terminated>(job.State).ExitCode);
        Assert.Equal(start + TimeSpan.FromSeconds(5), ((Terminated)job.State).FinishedAt);
        Assert.Equal(0, job.RestartCount);
        cri.Journal.AssertCalled("CreateContainer", 1);

        await worker.TerminateAsync(ct);
    }

    [Fact(Timeout = 10_000)]
    public async Task SyncLoop_ContainerOomKilledFromOutside_SeenAsOomKilledAndRestartedAfterBackoff()
    {
        var ct = TestContext.Current.CancellationToken;
        var clock = new FakeTimeProvider();
        await using var cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default.WithTimeProvider(clock), ct);
        var worker = Workers.For(cri);
        var start = clock.GetUtcNow();
        var run = worker.RunAsync(new PodSpec("web", "default", "uid-web") { Containers = [new ContainerSpec("app", "busybox", ["top"])] }, ct);
        var running = await clock.AdvanceUntilAsync(worker, s => s.Phase == PodPhase.Running, TimeSpan.FromMinutes(1), ct);
        var firstId = running.Container("app").ContainerId!;

        // Nothing the worker did: the kernel kills the app 5s from now.
        cri.Faults.OomKillContainer(firstId, after: TimeSpan.FromSeconds(5));

        var waiting = await clock.AdvanceUntilAsync(
            worker, s => s.Container("app").State is Waiting { Reason: Waiting.CrashLoopBackOff }, TimeSpan.FromMinutes(1), ct);
        Assert.Equal(new Terminated(137, "OOMKilled", start + TimeSpan.FromSeconds(5)), waiting.Container("app").LastTermination);

        var restarted = await clock.AdvanceUntilAsync(
            worker, s => s.Container("app") is { State: Running, RestartCount: 1 }, TimeSpan.FromMinutes(1), ct);
        Assert.Equal(start + TimeSpan.FromSeconds(15), restarted.ObservedAt);
        Assert.NotEqual(firstId, restarted.Container("app").ContainerId);
        Assert.Null(cri.Runtime.GetContainer(firstId)); // the old attempt was removed before the new one was created

        await worker.TerminateAsync(ct);
        await run;
    }
}
