using FakeCri.Cri.V1;
using FakeCri.Faults;
using FakeCri.Journal;
using FakeCri.Runtime;
using FakeCri.Tests.Infrastructure;
using Grpc.Core;
using Microsoft.Extensions.Time.Testing;

namespace FakeCri.Tests.Faults;

/// <summary>Faults injected on purpose: what the client sees, and that the journal shows each one.</summary>
public sealed class FaultInjectorTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FailNext_TwoTimes_FailsTwiceThenServes()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        cri.Faults.FailNext("Version", StatusCode.Unavailable, "runtime restarting", times: 2);

        await RpcAssert.FailsAsync(StatusCode.Unavailable, cri.RuntimeClient.VersionAsync(new VersionRequest(), cancellationToken: Cancel), "runtime restarting");
        Assert.Equal(1, Assert.Single(cri.Faults.Rules).Times);
        await RpcAssert.FailsAsync(StatusCode.Unavailable, cri.RuntimeClient.VersionAsync(new VersionRequest(), cancellationToken: Cancel));
        await cri.RuntimeClient.VersionAsync(new VersionRequest(), cancellationToken: Cancel);

        Assert.Empty(cri.Faults.Rules);
        Assert.Equal([StatusCode.Unavailable, StatusCode.Unavailable, StatusCode.OK], cri.Journal.Calls("Version").Select(c => c.Code));
    }

    [Fact]
    public async Task Fail_MatchingPodName_OnlyThatPodsCallsFailAcrossRpcs()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var web = cri.Runtime.SeedSandbox(SandboxSeed.For("web"));
        var db = cri.Runtime.SeedSandbox(SandboxSeed.For("db"));
        cri.Faults.Fail(FaultRule.AnyMethod, StatusCode.ResourceExhausted, "pod web is cursed", new FaultMatch { PodName = "web" });

        await RpcAssert.FailsAsync(StatusCode.ResourceExhausted, cri.RuntimeClient.PodSandboxStatusAsync(new PodSandboxStatusRequest { PodSandboxId = web }, cancellationToken: Cancel));
        await RpcAssert.FailsAsync(StatusCode.ResourceExhausted, cri.RuntimeClient.RunPodSandboxAsync(new RunPodSandboxRequest { Config = Kubelet.PodConfig("web", attempt: 1) }, cancellationToken: Cancel));
        await cri.RuntimeClient.PodSandboxStatusAsync(new PodSandboxStatusRequest { PodSandboxId = db }, cancellationToken: Cancel);
        await cri.RuntimeClient.VersionAsync(new VersionRequest(), cancellationToken: Cancel);

        Assert.Single(cri.Runtime.Sandboxes, s => s.Name == "web");
    }

    [Fact]
    public async Task Fail_PredicateOnContainer_ResolvesNamesFromIds()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var pod = cri.Runtime.SeedSandbox(SandboxSeed.For("p"));
        var app = cri.Runtime.SeedContainer(ContainerSeed.For(pod, "app").Created());
        var sidecar = cri.Runtime.SeedContainer(ContainerSeed.For(pod, "sidecar").Created());
        cri.Faults.Fail("StartContainer", StatusCode.Unknown, "exec format error", when: call => call.ContainerName == "sidecar" && call.PodName == "p");

        await cri.RuntimeClient.StartContainerAsync(new StartContainerRequest { ContainerId = app }, cancellationToken: Cancel);
        await RpcAssert.FailsAsync(StatusCode.Unknown, cri.RuntimeClient.StartContainerAsync(new StartContainerRequest { ContainerId = sidecar[..10] }, cancellationToken: Cancel), "exec format error");

        Assert.Equal(ContainerState.ContainerCreated, cri.Runtime.GetContainer(sidecar)!.State);
    }

    [Fact]
    public async Task Delay_OnVirtualClock_CallCompletesOnlyAfterAdvance()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default.WithTimeProvider(_clock), Cancel);
        cri.Faults.SlowPull("nginx:1.27", TimeSpan.FromSeconds(20));

        var pull = cri.ImageClient.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = "docker.io/library/nginx:1.27" } }, cancellationToken: Cancel);
        await cri.Runtime.WhenTimerDueAsync(_clock.GetUtcNow() + TimeSpan.FromSeconds(20), Cancel);
        _clock.Advance(TimeSpan.FromSeconds(19));
        Assert.False(pull.ResponseAsync.IsCompleted);
        Assert.Null(cri.Runtime.GetImage("nginx:1.27"));
        _clock.Advance(TimeSpan.FromSeconds(1));
        await pull;

        var entry = Assert.Single(cri.Journal.Calls("PullImage"));
        Assert.Equal(TimeSpan.FromSeconds(20), entry.Duration);
        Assert.Contains("delay 20s: PullImage (image nginx:1.27)", entry.Fault, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailPull_Reference_ContainerdStyleNotFoundForAnyForm()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        cri.Faults.FailPull("registry.example.com/app:v2");

        await RpcAssert.FailsAsync(
            StatusCode.NotFound,
            cri.ImageClient.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = "registry.example.com/app:v2" } }, cancellationToken: Cancel),
            "failed to pull and unpack image \"registry.example.com/app:v2\": failed to resolve reference \"registry.example.com/app:v2\": registry.example.com/app:v2: not found");
        await cri.ImageClient.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = "registry.example.com/app:v1" } }, cancellationToken: Cancel);
    }

    [Fact]
    public async Task Chaos_SameSeed_SameCallsFail()
    {
        async Task<StatusCode[]> RunAsync()
        {
            await using var cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default.WithSeed(42), Cancel);
            cri.Faults.Chaos(0.3, "Version");
            var codes = new List<StatusCode>();
            for (var i = 0; i < 40; i++)
            {
                try
                {
                    await cri.RuntimeClient.VersionAsync(new VersionRequest(), cancellationToken: Cancel);
                    codes.Add(StatusCode.OK);
                }
                catch (RpcException error)
                {
                    codes.Add(error.StatusCode);
                }
            }

            Assert.All(cri.Journal.Calls("Version").Where(c => c.Code != StatusCode.OK), c => Assert.Contains("probability 0.3", c.Fault, StringComparison.Ordinal));
            return [.. codes];
        }

        var first = await RunAsync();
        var second = await RunAsync();

        Assert.Equal(first, second);
        Assert.InRange(first.Count(c => c == StatusCode.Unavailable), 4, 24);
    }

    [Fact]
    public async Task SetNetworkReady_False_StatusReportsItAndPodsOffHostNetworkCannotStart()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        cri.Faults.SetNetworkReady(false);

        var status = await cri.RuntimeClient.StatusAsync(new StatusRequest(), cancellationToken: Cancel);
        var network = status.Status.Conditions.Single(c => c.Type == "NetworkReady");
        Assert.Equal((false, "NetworkPluginNotReady"), (network.Status, network.Reason));
        var error = await RpcAssert.FailsAsync(StatusCode.Unknown, cri.RuntimeClient.RunPodSandboxAsync(new RunPodSandboxRequest { Config = Kubelet.PodConfig("p") }, cancellationToken: Cancel));
        Assert.Contains("cni plugin not initialized", error.Status.Detail, StringComparison.Ordinal);
        await cri.RuntimeClient.RunPodSandboxAsync(new RunPodSandboxRequest { Config = Kubelet.PodConfig("h").HostNetwork() }, cancellationToken: Cancel);
        Assert.Contains(cri.Journal.Entries, e => !e.IsCall && e.Fault!.StartsWith("NetworkReady=false", StringComparison.Ordinal));

        cri.Faults.Clear();
        await cri.RuntimeClient.RunPodSandboxAsync(new RunPodSandboxRequest { Config = Kubelet.PodConfig("p") }, cancellationToken: Cancel);
    }

    [Fact]
    public async Task SetRuntimeReady_False_StatusReportsReason()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        cri.Faults.SetRuntimeReady(false, "ContainerdNotReady", "shim crashed");

        var conditions = (await cri.RuntimeClient.StatusAsync(new StatusRequest(), cancellationToken: Cancel)).Status.Conditions;

        Assert.Equal(("RuntimeReady", false, "ContainerdNotReady", "shim crashed"), (conditions[0].Type, conditions[0].Status, conditions[0].Reason, conditions[0].Message));
        Assert.True(conditions[1].Status);
    }

    [Fact]
    public async Task CrashContainer_After30s_ExitsWithCodeAtThatVirtualTime()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default.WithTimeProvider(_clock), Cancel);
        var id = cri.Runtime.SeedContainer(ContainerSeed.For(cri.Runtime.SeedSandbox(SandboxSeed.For("p")), "app"));
        var crashAt = _clock.GetUtcNow() + TimeSpan.FromSeconds(30);

        cri.Faults.CrashContainer(id, exitCode: 3, after: TimeSpan.FromSeconds(30));
        await cri.Runtime.WhenTimerDueAsync(crashAt, Cancel);
        _clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(ContainerState.ContainerRunning, cri.Runtime.GetContainer(id)!.State);
        _clock.Advance(TimeSpan.FromSeconds(1));

        var status = (await cri.RuntimeClient.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = id }, cancellationToken: Cancel)).Status;
        Assert.Equal((ContainerState.ContainerExited, 3, "Error"), (status.State, status.ExitCode, status.Reason));
        Assert.Equal((crashAt - DateTimeOffset.UnixEpoch).Ticks * 100, status.FinishedAt);
        var fault = Assert.Single(cri.Journal.Entries, e => !e.IsCall);
        Assert.Equal((JournalEntry.FaultService, crashAt), (fault.Service, fault.StartedAt));
    }

    [Fact]
    public async Task OomKillContainer_Now_137OomKilledAndStoppedEvent()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var id = cri.Runtime.SeedContainer(ContainerSeed.For(cri.Runtime.SeedSandbox(SandboxSeed.For("p")), "hog"));
        using var events = cri.RuntimeClient.GetContainerEvents(new GetEventsRequest(), cancellationToken: Cancel);
        await cri.Runtime.WhenEventSubscribersAsync(1, Cancel);

        cri.Faults.OomKillContainer(id);

        Assert.True(await events.ResponseStream.MoveNext(Cancel));
        Assert.Equal((id, ContainerEventType.ContainerStoppedEvent), (events.ResponseStream.Current.ContainerId, events.ResponseStream.Current.ContainerEventType));
        var view = cri.Runtime.GetContainer(id)!;
        Assert.Equal((137, "OOMKilled"), (view.ExitCode, view.Reason));
        Assert.Throws<CriException>(() => cri.Faults.OomKillContainer(id));
    }

    [Fact]
    public async Task Add_UnknownMethod_ArgumentExceptionNamingIt()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);

        var error = Assert.Throws<ArgumentException>(() => cri.Faults.FailNext("PullImages", StatusCode.Unavailable, "x"));

        Assert.Contains("\"PullImages\" is not a CRI RPC", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Clear_ScheduledCrash_NeverHappens()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default.WithTimeProvider(_clock), Cancel);
        var id = cri.Runtime.SeedContainer(ContainerSeed.For(cri.Runtime.SeedSandbox(SandboxSeed.For("p")), "app"));
        cri.Faults.CrashContainer(id, after: TimeSpan.FromSeconds(5));
        await cri.Runtime.WhenTimerScheduledAsync(TimeSpan.FromSeconds(5), Cancel);

        cri.Faults.Clear();
        _clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(ContainerState.ContainerRunning, cri.Runtime.GetContainer(id)!.State);
    }
}
