using FakeCri.Cri.V1;

namespace FakeCri.Benchmarks.Hosting;

/// <summary>
/// What the no-op floor answers: the responses FakeCri itself gave to one kubelet-like lifecycle, captured once.
/// The floor thus sends the same bytes as the fake, so fake ÷ floor isolates what the fake does besides
/// transport and (de)serialisation.
/// </summary>
public sealed record CannedResponses(
    RunPodSandboxResponse RunPodSandbox,
    PodSandboxStatusResponse PodSandboxStatus,
    StopPodSandboxResponse StopPodSandbox,
    RemovePodSandboxResponse RemovePodSandbox,
    CreateContainerResponse CreateContainer,
    StartContainerResponse StartContainer,
    ContainerStatusResponse ContainerStatus,
    StopContainerResponse StopContainer,
    RemoveContainerResponse RemoveContainer,
    PullImageResponse PullImage,
    VersionResponse Version)
{
    private static readonly Lazy<CannedResponses> Captured = new(Capture);

    public static CannedResponses Instance => Captured.Value;

    private static CannedResponses Capture()
    {
        var runtime = new Runtime.EmulatedRuntime(FakeCriOptions.Default);
        var pull = runtime.PullImage(new PullImageRequest { Image = new ImageSpec { Image = "busybox" } });
        var pod = KubeletRequests.Pod("canned");
        var run = runtime.RunPodSandbox(new RunPodSandboxRequest { Config = pod });
        var podStatus = runtime.PodSandboxStatus(new PodSandboxStatusRequest { PodSandboxId = run.PodSandboxId });
        var create = runtime.CreateContainer(KubeletRequests.Container(run.PodSandboxId, pod, "app"));
        var start = runtime.StartContainer(new StartContainerRequest { ContainerId = create.ContainerId });
        var containerStatus = runtime.ContainerStatus(new ContainerStatusRequest { ContainerId = create.ContainerId });
        var stop = runtime.StopContainerAsync(new StopContainerRequest { ContainerId = create.ContainerId, Timeout = 10 }).GetAwaiter().GetResult();
        var remove = runtime.RemoveContainer(new RemoveContainerRequest { ContainerId = create.ContainerId });
        var stopPod = runtime.StopPodSandbox(new StopPodSandboxRequest { PodSandboxId = run.PodSandboxId });
        var removePod = runtime.RemovePodSandbox(new RemovePodSandboxRequest { PodSandboxId = run.PodSandboxId });
        return new CannedResponses(
            run, podStatus, stopPod, removePod, create, start, containerStatus, stop, remove, pull, runtime.Version(new VersionRequest()));
    }
}
