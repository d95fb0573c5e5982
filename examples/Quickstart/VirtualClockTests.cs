using FakeCri;
using FakeCri.Cri.V1;
using Microsoft.Extensions.Time.Testing;

namespace Quickstart;

/// <summary>Time in the fake is the options' clock: a <see cref="FakeTimeProvider"/> turns minutes into nothing.</summary>
public sealed class VirtualClockTests
{
    [Fact]
    public async Task StartContainer_SleepThenExit_ExitsWhenTheClockIsAdvanced()
    {
        var cancel = TestContext.Current.CancellationToken;
        var clock = new FakeTimeProvider();
        await using var cri = await FakeCriServer.StartInProcessAsync(
            FakeCriOptions.Default.WithTimeProvider(clock), cancel);

        var podConfig = new PodSandboxConfig
        {
            Metadata = new PodSandboxMetadata { Name = "batch", Namespace = "quickstart", Uid = "batch-1" },
        };
        var pod = await cri.RuntimeClient.RunPodSandboxAsync(new RunPodSandboxRequest { Config = podConfig }, cancellationToken: cancel);
        await cri.ImageClient.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = "busybox" } }, cancellationToken: cancel);
        var container = await cri.RuntimeClient.CreateContainerAsync(new CreateContainerRequest
        {
            PodSandboxId = pod.PodSandboxId,
            SandboxConfig = podConfig,
            Config = new ContainerConfig
            {
                Metadata = new ContainerMetadata { Name = "job" },
                Image = new ImageSpec { Image = "busybox" },
                Command = { "sh", "-c", "sleep 600; exit 3" },
            },
        }, cancellationToken: cancel);
        var started = clock.GetUtcNow();
        await cri.RuntimeClient.StartContainerAsync(
            new StartContainerRequest { ContainerId = container.ContainerId }, cancellationToken: cancel);

        // Wait until the script's sleep is on the clock, so the advance cannot overtake it.
        await cri.Runtime.WhenTimerDueAsync(started + TimeSpan.FromMinutes(10), cancel);
        clock.Advance(TimeSpan.FromMinutes(10));

        var status = (await cri.RuntimeClient.ContainerStatusAsync(
            new ContainerStatusRequest { ContainerId = container.ContainerId }, cancellationToken: cancel)).Status;
        Assert.Equal(ContainerState.ContainerExited, status.State);
        Assert.Equal(3, status.ExitCode);
        Assert.Equal(TimeSpan.FromMinutes(10), TimeSpan.FromTicks((status.FinishedAt - status.StartedAt) / 100));
    }
}
