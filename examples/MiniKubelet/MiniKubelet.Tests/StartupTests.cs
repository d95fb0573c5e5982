using FakeCri;
using FakeCri.Cri.V1;
using Grpc.Core;
using Microsoft.Extensions.Time.Testing;

namespace MiniKubelet.Tests;

/// <summary>From nothing to a running pod: images, sandbox, init containers, app containers.</summary>
public sealed class StartupTests
{
    [Fact(Timeout = 10_000)]
    public async Task RunAsync_InitAndAppContainer_InitRunsToCompletionBeforeTheAppIsCreated()
    {
        var ct = TestContext.Current.CancellationToken;
        var clock = new FakeTimeProvider();
        await using var cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default.WithTimeProvider(clock), ct);

        // This one goes through the fake's in-memory HTTP/2 channel, as a client of a real socket would.
        var worker = new PodWorker(cri.RuntimeClient, cri.ImageClient, cri.Runtime.Clock);
        var pod = new PodSpec("web", "default", "uid-web")
        {
            InitContainers = [new ContainerSpec("init", "busybox", ["sh", "-c", "echo init; exit 0"])],
            Containers = [new ContainerSpec("app", "busybox", ["top"])],
        };

        var run = worker.RunAsync(pod, ct);
        var running = await worker.WhenAsync(s => s.Phase == PodPhase.Running, ct);

        string[] created = ["init", "app"];
        Assert.Equal(created, cri.Journal.Requests<CreateContainerRequest>().Select(r => r.Config.Metadata.Name));
        cri.Journal.AssertCalls(
            "ImageStatus", "PullImage", "RunPodSandbox",
            "CreateContainer", "StartContainer", "ContainerStatus", // the init script has exited 0 when the worker looks
            "CreateContainer", "StartContainer", "ContainerStatus"); // the app, then the first sync
        Assert.Equal(new Terminated(0, "Completed", clock.GetUtcNow()), running.Container("init").State);
        Assert.IsType<Running>(running.Container("app").State);
        Assert.True(running.Ready);

        await worker.TerminateAsync(ct);
        await run;
    }

    [Fact(Timeout = 10_000)]
    public async Task RunAsync_RegistryDownTwice_ImagePullBackOffThenRetriesAfterOneAndTwoSeconds()
    {
        var ct = TestContext.Current.CancellationToken;
        var clock = new FakeTimeProvider();
        await using var cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default.WithTimeProvider(clock), ct);
        cri.Faults.FailNext("PullImage", StatusCode.Unavailable, "registry down", times: 2);
        var worker = Workers.For(cri);
        var start = clock.GetUtcNow();

        var run = worker.RunAsync(new PodSpec("web", "default", "uid-web") { Containers = [new ContainerSpec("app", "busybox", ["top"])] }, ct);

        // The first pull failed. The worker publishes its status after its retry timer exists, so the clock may move.
        var backingOff = await worker.WhenAsync(s => s.Container("app").State is Waiting { Reason: Waiting.ImagePullBackOff }, ct);
        Assert.Equal(PodPhase.Pending, backingOff.Phase);
        Assert.Contains("registry down", ((Waiting)backingOff.Container("app").State).Message, StringComparison.Ordinal);
        clock.Advance(TimeSpan.FromSeconds(1));

        // The second pull failed too; its retry is 2s later. The worker's timer is on the fake's clock: wait for it.
        await cri.Runtime.WhenTimerDueAsync(start + TimeSpan.FromSeconds(3), ct);
        clock.Advance(TimeSpan.FromSeconds(2));

        var running = await worker.WhenAsync(s => s.Phase == PodPhase.Running, ct);
        var pulls = cri.Journal.Calls("PullImage");
        Assert.Equal([StatusCode.Unavailable, StatusCode.Unavailable, StatusCode.OK], pulls.Select(p => p.Code));
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)], pulls.Select(p => p.StartedAt - start));
        Assert.IsType<Running>(running.Container("app").State);

        await worker.TerminateAsync(ct);
        await run;
    }

    [Fact(Timeout = 10_000)]
    public async Task RunAsync_InitContainerKeepsFailing_RestartedWithGrowingBackoffWhileTheAppWaits()
    {
        var ct = TestContext.Current.CancellationToken;
        var clock = new FakeTimeProvider();
        await using var cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default.WithTimeProvider(clock), ct);
        var worker = Workers.For(cri);
        var start = clock.GetUtcNow();
        var pod = new PodSpec("web", "default", "uid-web")
        {
            InitContainers = [new ContainerSpec("migrate", "busybox", ["sh", "-c", "echo database not there >&2; exit 1"])],
            Containers = [new ContainerSpec("app", "busybox", ["top"])],
        };

        var run = worker.RunAsync(pod, ct);
        var status = await clock.AdvanceUntilAsync(worker, s => s.Container("migrate").RestartCount == 2, TimeSpan.FromMinutes(1), ct);

        // Each attempt fails at once, then waits 10s, then 20s.
        Assert.Equal(
            [TimeSpan.Zero, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30)],
            cri.Journal.Calls("CreateContainer").Select(c => c.StartedAt - start));
        Assert.All(cri.Journal.Requests<CreateContainerRequest>(), r => Assert.Equal("migrate", r.Config.Metadata.Name));
        Assert.Equal(PodPhase.Pending, status.Phase);
        Assert.Equal(new Waiting(Waiting.PodInitializing), status.Container("app").State);

        await worker.TerminateAsync(ct);
        await run;
    }

    [Fact(Timeout = 10_000)]
    public async Task RunAsync_InitContainerFailsUnderRestartPolicyNever_PodFailsAndTheAppNeverStarts()
    {
        var ct = TestContext.Current.CancellationToken;
        var clock = new FakeTimeProvider();
        await using var cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default.WithTimeProvider(clock), ct);
        var worker = Workers.For(cri);
        var pod = new PodSpec("web", "default", "uid-web")
        {
            InitContainers = [new ContainerSpec("migrate", "busybox", ["sh", "-c", "exit 3"])],
            Containers = [new ContainerSpec("app", "busybox", ["top"])],
            RestartPolicy = RestartPolicy.Never,
        };

        await worker.RunAsync(pod, ct); // ends by itself: nothing will ever run again

        var status = worker.Status;
        Assert.Equal(PodPhase.Failed, status.Phase);
        Assert.Null(status.NextSyncAt);
        Assert.Equal(3, Assert.IsType<Terminated>(status.Container("migrate").State).ExitCode);
        Assert.Equal(new Waiting(Waiting.PodInitializing), status.Container("app").State);
        cri.Journal.AssertCalled("CreateContainer", 1);

        await worker.TerminateAsync(ct);
        Assert.Empty(cri.Runtime.Sandboxes);
    }
}
