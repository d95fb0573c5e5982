using FakeCri.Cri.V1;
using FakeCri.Runtime;
using FakeCri.Tests.Infrastructure;
using Grpc.Core;
using Microsoft.Extensions.Time.Testing;

namespace FakeCri.Tests.Conformance;

/// <summary>
/// One suite, every door: TestHost channel, direct invoker, unix socket and TCP must be indistinguishable to a
/// client — same answers, codes, texts, streams, deadlines, cancellation and journal.
/// </summary>
public sealed class DoorConformanceTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Doors.Conformance), MemberType = typeof(Doors))]
    public async Task PodLifecycle_EveryDoor_SameStatesAndExitCodes(Door door)
    {
        await using var cri = await Doors.StartAsync(door, FakeCriOptions.Default.WithSeed(3));
        var (runtime, images) = Doors.Clients(cri, door);

        var podConfig = Kubelet.PodConfig("web");
        var pod = (await runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = podConfig }, cancellationToken: Cancel)).PodSandboxId;
        var imageRef = (await images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = "busybox" } }, cancellationToken: Cancel)).ImageRef;
        var id = (await runtime.CreateContainerAsync(
            new CreateContainerRequest { PodSandboxId = pod, Config = Kubelet.ContainerConfig("app"), SandboxConfig = podConfig },
            cancellationToken: Cancel)).ContainerId;
        await runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id }, cancellationToken: Cancel);
        var running = (await runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = id[..12] }, cancellationToken: Cancel)).Status;
        await runtime.StopContainerAsync(new StopContainerRequest { ContainerId = id, Timeout = 0 }, cancellationToken: Cancel);
        var exited = (await runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = id }, cancellationToken: Cancel)).Status;
        await runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = pod }, cancellationToken: Cancel);

        Assert.Equal(64, pod.Length);
        Assert.StartsWith("sha256:", imageRef, StringComparison.Ordinal);
        Assert.Equal((ContainerState.ContainerRunning, imageRef), (running.State, running.ImageId));
        Assert.Equal((ContainerState.ContainerExited, 137, "Error"), (exited.State, exited.ExitCode, exited.Reason));
        Assert.Empty((await runtime.ListContainersAsync(new ListContainersRequest(), cancellationToken: Cancel)).Containers);
    }

    [Theory]
    [MemberData(nameof(Doors.Conformance), MemberType = typeof(Doors))]
    public async Task Errors_EveryDoor_SameCodesAndTexts(Door door)
    {
        await using var cri = await Doors.StartAsync(door);
        var (runtime, _) = Doors.Clients(cri, door);
        var podConfig = Kubelet.PodConfig("dup");
        await runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = podConfig }, cancellationToken: Cancel);

        await RpcAssert.FailsAsync(
            StatusCode.NotFound,
            runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = "abc" }, cancellationToken: Cancel),
            "an error occurred when try to find container \"abc\": not found");
        await RpcAssert.FailsAsync(
            StatusCode.Unknown,
            runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = string.Empty }, cancellationToken: Cancel));
        var reserved = await RpcAssert.FailsAsync(
            StatusCode.FailedPrecondition,
            runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = podConfig }, cancellationToken: Cancel));
        Assert.Contains("is reserved for", reserved.Status.Detail, StringComparison.Ordinal);
        await RpcAssert.FailsAsync(
            StatusCode.InvalidArgument,
            runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = new PodSandboxConfig() }, cancellationToken: Cancel));
        await RpcAssert.FailsAsync(
            StatusCode.NotFound,
            runtime.PortForwardAsync(new PortForwardRequest { PodSandboxId = "x" }, cancellationToken: Cancel),
            "failed to find sandbox \"x\": not found");

        // The idempotent calls succeed for unknown IDs on every door.
        await runtime.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = "feed" }, cancellationToken: Cancel);
        await runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = "feed" }, cancellationToken: Cancel);
    }

    [Theory]
    [MemberData(nameof(Doors.Conformance), MemberType = typeof(Doors))]
    public async Task StreamContainers_EveryDoor_SameItemsAsList(Door door)
    {
        await using var cri = await Doors.StartAsync(door);
        var (runtime, _) = Doors.Clients(cri, door);
        var pod = cri.Runtime.SeedSandbox(SandboxSeed.For("many"));
        for (var i = 0; i < 7; i++)
        {
            cri.Runtime.SeedContainer(ContainerSeed.For(pod, $"c{i}").Created());
        }

        var listed = (await runtime.ListContainersAsync(new ListContainersRequest(), cancellationToken: Cancel)).Containers;
        using var stream = runtime.StreamContainers(new StreamContainersRequest(), cancellationToken: Cancel);
        var streamed = new List<Container>();
        while (await stream.ResponseStream.MoveNext(Cancel))
        {
            streamed.AddRange(stream.ResponseStream.Current.Containers);
        }

        Assert.Equal(7, listed.Count);
        Assert.Equal(listed, streamed);
        Assert.Equal(StatusCode.OK, stream.GetStatus().StatusCode);
    }

    [Theory]
    [MemberData(nameof(Doors.Conformance), MemberType = typeof(Doors))]
    public async Task ExecSync_TimeoutOnVirtualClock_DeadlineExceededOnEveryDoor(Door door)
    {
        await using var cri = await Doors.StartAsync(door, FakeCriOptions.Default.WithTimeProvider(_clock));
        var (runtime, _) = Doors.Clients(cri, door);
        var id = cri.Runtime.SeedContainer(ContainerSeed.For(cri.Runtime.SeedSandbox(SandboxSeed.For("x")), "app"));

        var exec = runtime.ExecSyncAsync(new ExecSyncRequest { ContainerId = id, Cmd = { "sleep", "60" }, Timeout = 2 }, cancellationToken: Cancel);
        await cri.Runtime.WhenTimerDueAsync(_clock.GetUtcNow() + TimeSpan.FromSeconds(2), Cancel);
        _clock.Advance(TimeSpan.FromSeconds(2));

        var error = await RpcAssert.FailsAsync(StatusCode.DeadlineExceeded, exec);
        Assert.Contains("timeout 2s exceeded", error.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Doors.Conformance), MemberType = typeof(Doors))]
    public async Task ClientDeadline_AlreadyPassed_DeadlineExceeded(Door door)
    {
        await using var cri = await Doors.StartAsync(door);
        var (runtime, _) = Doors.Clients(cri, door);

        var error = await RpcAssert.FailsAsync(
            StatusCode.DeadlineExceeded,
            runtime.VersionAsync(new VersionRequest(), deadline: DateTime.UtcNow.AddSeconds(-1), cancellationToken: Cancel));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Doors.Conformance), MemberType = typeof(Doors))]
    public async Task ClientCancels_CallWaitingOnGracePeriod_Cancelled(Door door)
    {
        await using var cri = await Doors.StartAsync(door, FakeCriOptions.Default.WithTimeProvider(_clock));
        var (runtime, _) = Doors.Clients(cri, door);
        var seed = ContainerSeed.For(cri.Runtime.SeedSandbox(SandboxSeed.For("x")), "stubborn", "busybox", 0, "sh", "-c", "sleep 1000");
        var id = cri.Runtime.SeedContainer(seed);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Cancel);

        var stop = runtime.StopContainerAsync(new StopContainerRequest { ContainerId = id, Timeout = 30 }, cancellationToken: cancel.Token);
        await cri.Runtime.WhenTimerDueAsync(_clock.GetUtcNow() + TimeSpan.FromSeconds(30), Cancel);
        await cancel.CancelAsync();

        await RpcAssert.FailsAsync(StatusCode.Cancelled, stop);
    }

    [Theory]
    [MemberData(nameof(Doors.Conformance), MemberType = typeof(Doors))]
    public async Task InjectedFault_EveryDoor_SameStatusAndJournaled(Door door)
    {
        await using var cri = await Doors.StartAsync(door);
        var (_, images) = Doors.Clients(cri, door);
        cri.Faults.FailNext("PullImage", StatusCode.Unavailable, "registry down");

        await RpcAssert.FailsAsync(
            StatusCode.Unavailable,
            images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = "nginx" } }, cancellationToken: Cancel),
            "registry down");
        await images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = "nginx" } }, cancellationToken: Cancel);

        cri.Journal.AssertCalls("PullImage", "PullImage");
        var calls = cri.Journal.Calls("PullImage");
        Assert.Equal((StatusCode.Unavailable, "registry down"), (calls[0].Code, calls[0].Detail));
        Assert.Contains("fail with Unavailable", calls[0].Fault, StringComparison.Ordinal);
        Assert.Equal((StatusCode.OK, null), (calls[1].Code, calls[1].Fault));
        Assert.Equal("docker.io/library/nginx:latest", cri.Runtime.GetImage("nginx")!.RepoTags[0]);
    }

    [Theory]
    [MemberData(nameof(Doors.Conformance), MemberType = typeof(Doors))]
    public async Task GetContainerEvents_EveryDoor_StreamsLifecycleInOrder(Door door)
    {
        await using var cri = await Doors.StartAsync(door);
        var (runtime, _) = Doors.Clients(cri, door);
        using var events = runtime.GetContainerEvents(new GetEventsRequest(), cancellationToken: Cancel);
        await cri.Runtime.WhenEventSubscribersAsync(1, Cancel);

        var pod = (await runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = Kubelet.PodConfig("ev") }, cancellationToken: Cancel)).PodSandboxId;
        await runtime.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = pod }, cancellationToken: Cancel);

        var seen = new List<ContainerEventType>();
        while (seen.Count < 3 && await events.ResponseStream.MoveNext(Cancel))
        {
            Assert.Equal(pod, events.ResponseStream.Current.ContainerId);
            seen.Add(events.ResponseStream.Current.ContainerEventType);
        }

        Assert.Equal([ContainerEventType.ContainerCreatedEvent, ContainerEventType.ContainerStartedEvent, ContainerEventType.ContainerStoppedEvent], seen);
    }
}
