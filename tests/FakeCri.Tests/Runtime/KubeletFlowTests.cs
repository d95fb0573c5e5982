using FakeCri.Cri.V1;
using FakeCri.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace FakeCri.Tests.Runtime;

/// <summary>A pod's whole life as kubelet drives it, with log paths composed the way kubelet composes them.</summary>
public sealed class KubeletFlowTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PodLifecycle_KubeletOrder_EveryStepObservable()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        await using var cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default.WithTimeProvider(clock), Cancel);
        var logRoot = TempSocket.NewDirectory();
        const string Namespace = "shop";
        const string PodName = "cart-7d9f";
        const string PodUid = "5b0e8f2c-1c1a-4f4e-9a51-2f0c6f1f6a11";
        var logDirectory = Path.Combine(logRoot, "var", "log", "pods", $"{Namespace}_{PodName}_{PodUid}");

        // 1. kubelet makes sure the image is present.
        var imageRequest = new ImageSpec { Image = "registry.k8s.io/e2e-test-images/busybox:1.29-2" };
        Assert.Null((await cri.ImageClient.ImageStatusAsync(new ImageStatusRequest { Image = imageRequest }, cancellationToken: Cancel)).Image);
        var imageRef = await cri.PullAsync(imageRequest.Image, Cancel);

        // 2. The sandbox.
        var podConfig = Kubelet.PodConfig(PodName, Namespace, PodUid, logDirectory: logDirectory);
        var pod = await cri.RunPodAsync(podConfig, Cancel);
        var podStatus = await cri.PodStatusAsync(pod, Cancel);
        Assert.Equal(PodSandboxState.SandboxReady, podStatus.State);
        Assert.Equal(clock.GetUtcNow().ToUnixTimeMilliseconds() * 1_000_000, podStatus.CreatedAt);

        // 3. Create and start the container: log_path is "<container name>/<restart count>.log".
        clock.Advance(TimeSpan.FromSeconds(2));
        var config = Kubelet.ContainerConfig("cart", imageRef, 0, "sh", "-c", "trap 'echo bye; exit 0' TERM; echo started; while true; do sleep 1; done");
        config.Image.UserSpecifiedImage = imageRequest.Image;
        var container = await cri.CreateAsync(pod, podConfig, config, Cancel);
        clock.Advance(TimeSpan.FromSeconds(1));
        await cri.StartAsync(container, Cancel);

        var expectedLog = Path.Combine(logDirectory, "cart", "0.log");
        var status = await cri.StatusAsync(container, Cancel);
        Assert.Equal(expectedLog, status.LogPath);
        Assert.True(File.Exists(expectedLog), "the log file is created when the container starts");
        Assert.Equal(ContainerState.ContainerRunning, status.State);
        Assert.Equal(status.CreatedAt + 1_000_000_000, status.StartedAt);
        Assert.Equal(imageRef, status.ImageId);
        Assert.Equal(imageRequest.Image, status.Image.Image);
        Assert.StartsWith("registry.k8s.io/e2e-test-images/busybox@sha256:", status.ImageRef);

        // 4. kubelet's periodic relist.
        var listed = (await cri.RuntimeClient.ListContainersAsync(
            new ListContainersRequest { Filter = new ContainerFilter { PodSandboxId = pod } }, cancellationToken: Cancel)).Containers;
        Assert.Equal([container], listed.Select(c => c.Id));
        Assert.Equal(imageRef, listed[0].ImageRef);

        // 5. Pod deletion: stop the container with its grace period. The shell's trap runs once its current
        // `sleep 1` ends, one virtual second later; then the sandbox goes, then everything is removed.
        await cri.Runtime.WhenTimerScheduledAsync(TimeSpan.FromSeconds(1), Cancel); // the loop sleeps
        clock.Advance(TimeSpan.FromMinutes(5));
        await cri.Runtime.WhenTimerScheduledAsync(TimeSpan.FromSeconds(1), Cancel);
        var stopping = cri.StopAsync(container, 30, Cancel);
        await cri.Runtime.WhenTimerDueAsync(clock.GetUtcNow() + TimeSpan.FromSeconds(30), Cancel); // the grace period runs
        clock.Advance(TimeSpan.FromSeconds(1));
        await stopping;
        var stopped = await cri.StatusAsync(container, Cancel);
        Assert.Equal((ContainerState.ContainerExited, 0, "Completed"), (stopped.State, stopped.ExitCode, stopped.Reason));
        Assert.Equal(stopped.StartedAt + 301_000_000_000, stopped.FinishedAt);
        var log = await File.ReadAllLinesAsync(expectedLog, Cancel);
        Assert.Matches(@"^2026-11-25T12:00:03Z stdout F started$", log[0]);
        Assert.Matches(@"^2026-11-25T12:05:04Z stdout F bye$", log[^1]);
        await cri.RuntimeClient.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = pod }, cancellationToken: Cancel);
        await cri.RuntimeClient.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = container }, cancellationToken: Cancel);
        await cri.RuntimeClient.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = pod }, cancellationToken: Cancel);

        Assert.Empty((await cri.RuntimeClient.ListPodSandboxAsync(new ListPodSandboxRequest(), cancellationToken: Cancel)).Items);
        Assert.Empty((await cri.RuntimeClient.ListContainersAsync(new ListContainersRequest(), cancellationToken: Cancel)).Containers);
        Assert.True(File.Exists(expectedLog), "the runtime leaves log files to kubelet");
    }
}
