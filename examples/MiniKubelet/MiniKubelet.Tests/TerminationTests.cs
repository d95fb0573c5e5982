using FakeCri;
using FakeCri.Behaviors;
using Microsoft.Extensions.Time.Testing;

namespace MiniKubelet.Tests;

/// <summary>Graceful teardown: stop signal, grace period, SIGKILL, sandbox gone.</summary>
public sealed class TerminationTests
{
    [Fact(Timeout = 10_000)]
    public async Task TerminateAsync_ContainerIgnoresSigterm_KilledExactlyAfterTheGracePeriodThenSandboxRemoved()
    {
        var ct = TestContext.Current.CancellationToken;
        var clock = new FakeTimeProvider();
        await using var cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default
            .WithTimeProvider(clock)
            .WithBehavior(ContainerBehavior.ForContainer("app").IgnoresSigterm()), ct);
        var worker = Workers.For(cri);
        var pod = new PodSpec("web", "default", "uid-web")
        {
            Containers = [new ContainerSpec("app", "busybox", ["top"])],
            TerminationGracePeriod = TimeSpan.FromSeconds(30),
        };
        var run = worker.RunAsync(pod, ct);
        await clock.AdvanceUntilAsync(worker, s => s.Phase == PodPhase.Running, TimeSpan.FromMinutes(1), ct);

        var stopping = clock.GetUtcNow();
        var terminate = worker.TerminateAsync(ct);

        // SIGTERM is out and ignored; the fake's grace timer is what stands between the app and SIGKILL.
        await cri.Runtime.WhenTimerDueAsync(stopping + TimeSpan.FromSeconds(30), ct);
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.False(terminate.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(1));
        await terminate;

        var final = worker.Status;
        Assert.Equal(137, Assert.IsType<Terminated>(final.Container("app").State).ExitCode);
        Assert.Equal(stopping + TimeSpan.FromSeconds(30), ((Terminated)final.Container("app").State).FinishedAt);
        Assert.Equal(TimeSpan.FromSeconds(30), cri.Journal.Last("StopContainer")!.Duration);
        Assert.Equal(
            ["StopContainer", "ContainerStatus", "StopPodSandbox", "RemovePodSandbox"],
            cri.Journal.AllCalls.TakeLast(4).Select(c => c.Method));
        Assert.Empty(cri.Runtime.Sandboxes);
        Assert.Empty(cri.Runtime.Containers);
        await run; // the run ended when the termination began
    }
}
