using FakeCri.Cri.V1;
using FakeCri.Tests.Infrastructure;

namespace FakeCri.Tests.Runtime;

/// <summary>
/// Nothing a client does with its request or response objects reaches stored state. Run over the direct
/// object path too: the in-process channel serialises, but a future direct invoker must not alias either.
/// </summary>
public sealed class IsolationTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public void Runtime_RequestMutatedAfterCall_StoredSandboxUnchanged()
    {
        var runtime = new FakeCri.Runtime.EmulatedRuntime(FakeCriOptions.Default);
        var config = Kubelet.PodConfig("iso");
        var id = runtime.RunPodSandbox(new RunPodSandboxRequest { Config = config }).PodSandboxId;

        config.Metadata.Name = "changed";
        config.Labels["app"] = "changed";
        var status = runtime.PodSandboxStatus(new PodSandboxStatusRequest { PodSandboxId = id }).Status;

        Assert.Equal("iso", status.Metadata.Name);
        Assert.Equal("iso", status.Labels["app"]);
    }

    [Fact]
    public void Runtime_ResponseMutated_NextResponseUnchanged()
    {
        var runtime = new FakeCri.Runtime.EmulatedRuntime(FakeCriOptions.Default);
        runtime.PullImage(new PullImageRequest { Image = new ImageSpec { Image = "busybox" } });
        var podConfig = Kubelet.PodConfig("iso");
        var pod = runtime.RunPodSandbox(new RunPodSandboxRequest { Config = podConfig }).PodSandboxId;
        var container = runtime.CreateContainer(new CreateContainerRequest
        {
            PodSandboxId = pod,
            Config = Kubelet.ContainerConfig("c"),
            SandboxConfig = podConfig,
        }).ContainerId;

        var first = runtime.ContainerStatus(new ContainerStatusRequest { ContainerId = container }).Status;
        first.Metadata.Name = "mutated";
        first.Labels.Clear();
        first.Mounts[0].HostPath = "/elsewhere";
        first.Resources.Linux.CpuShares = 99;
        var listed = runtime.ListContainers(new ListContainersRequest()).Containers[0];
        listed.Image.Image = "mutated";
        var image = runtime.ListImages(new ListImagesRequest()).Images.First(i => i.RepoTags.Contains("docker.io/library/busybox:latest"));
        image.RepoTags.Clear();

        var second = runtime.ContainerStatus(new ContainerStatusRequest { ContainerId = container }).Status;
        Assert.Equal("c", second.Metadata.Name);
        Assert.NotEmpty(second.Labels);
        Assert.Equal("/tmp/etc-hosts", second.Mounts[0].HostPath);
        Assert.Equal(2, second.Resources.Linux.CpuShares);
        Assert.Equal("busybox", runtime.ListContainers(new ListContainersRequest()).Containers[0].Image.Image);
        Assert.Contains(runtime.ListImages(new ListImagesRequest()).Images, i => i.RepoTags.Contains("docker.io/library/busybox:latest"));
    }

    [Fact]
    public async Task Grpc_ResponseMutated_ServerStateUnchanged()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var pod = await cri.RunPodAsync(Kubelet.PodConfig("wire"), Cancel);

        var status = await cri.PodStatusAsync(pod, Cancel);
        status.Labels["app"] = "mutated";

        Assert.Equal("wire", (await cri.PodStatusAsync(pod, Cancel)).Labels["app"]);
    }
}
