using System.Net;
using System.Text.Json;
using FakeCri.Cri.V1;
using FakeCri.Tests.Infrastructure;
using Grpc.Core;

namespace FakeCri.Tests.Runtime;

/// <summary>Sandbox lifecycle: READY → NOTREADY → removed, with containerd's errors and idempotency.</summary>
public sealed class PodSandboxTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunPodSandbox_KubeletConfig_IsReadyWithLoopbackPodIp()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var config = Kubelet.PodConfig("web");

        var id = await cri.RunPodAsync(config, Cancel);
        var status = await cri.PodStatusAsync(id, Cancel);

        Assert.Matches("^[0-9a-f]{64}$", id);
        Assert.Equal(id, status.Id);
        Assert.Equal(SandboxState(PodSandboxState.SandboxReady), SandboxState(status.State));
        Assert.Equal(config.Metadata, status.Metadata);
        Assert.Equal(config.Labels, status.Labels);
        Assert.Equal(config.Annotations, status.Annotations);
        Assert.True(status.CreatedAt > 0);
        Assert.Equal(config.Linux.SecurityContext.NamespaceOptions, status.Linux.Namespaces.Options);
        Assert.True(IPAddress.TryParse(status.Network.Ip, out var ip));
        Assert.True(IPNetwork.Parse("127.88.0.0/16").Contains(ip!), status.Network.Ip);
    }

    [Fact]
    public async Task RunPodSandbox_ManyPods_GetDistinctIpsAndStopReleasesThem()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(
            FakeCriOptions.Default with { PodCidr = "127.99.0.0/29" }, Cancel); // 5 usable pod addresses
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await cri.RunPodAsync(Kubelet.PodConfig($"p{i}"), Cancel));
        }

        var ips = new List<string>();
        foreach (var id in ids)
        {
            ips.Add((await cri.PodStatusAsync(id, Cancel)).Network.Ip);
        }

        Assert.Equal(5, ips.Distinct().Count());
        await RpcAssert.FailsAsync(StatusCode.Unknown, () => cri.RunPodAsync(Kubelet.PodConfig("p5"), Cancel));

        await cri.RuntimeClient.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = ids[2] }, cancellationToken: Cancel);
        var again = await cri.RunPodAsync(Kubelet.PodConfig("p6"), Cancel);

        Assert.Equal(ips[2], (await cri.PodStatusAsync(again, Cancel)).Network.Ip);
    }

    [Fact]
    public async Task RunPodSandbox_HostNetwork_ReportsNoPodIp()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);

        var id = await cri.RunPodAsync(Kubelet.PodConfig("host").HostNetwork(), Cancel);

        Assert.Equal("", (await cri.PodStatusAsync(id, Cancel)).Network.Ip);
    }

    [Fact]
    public async Task RunPodSandbox_SameMetadataTwice_FailsWithReservedName()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var first = await cri.RunPodAsync(Kubelet.PodConfig("dup", uid: "u1"), Cancel);

        var error = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => cri.RunPodAsync(Kubelet.PodConfig("dup", uid: "u1"), Cancel));

        Assert.Equal(
            $"failed to reserve sandbox name \"dup_default_u1_0\": name \"dup_default_u1_0\" is reserved for \"{first}\"",
            error.Status.Detail);
    }

    [Fact]
    public async Task RunPodSandbox_NameHeldUntilRemoveNotStop_ThenReusable()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var first = await cri.RunPodAsync(Kubelet.PodConfig("again"), Cancel);
        await cri.RuntimeClient.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = first }, cancellationToken: Cancel);

        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => cri.RunPodAsync(Kubelet.PodConfig("again"), Cancel));
        var nextAttempt = await cri.RunPodAsync(Kubelet.PodConfig("again", attempt: 1), Cancel);
        await cri.RuntimeClient.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = first }, cancellationToken: Cancel);
        var reused = await cri.RunPodAsync(Kubelet.PodConfig("again"), Cancel);

        Assert.NotEqual(first, reused);
        Assert.NotEqual(nextAttempt, reused);
    }

    [Theory]
    [InlineData(null, "sandbox config must include metadata: config.metadata is missing")]
    [InlineData("name", "config.metadata.name must not be empty")]
    [InlineData("namespace", "config.metadata.namespace must not be empty")]
    [InlineData("uid", "config.metadata.uid must not be empty")]
    public async Task RunPodSandbox_MissingMetadata_InvalidArgumentNamingTheField(string? emptied, string message)
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var config = Kubelet.PodConfig("bad");
        switch (emptied)
        {
            case null: config.Metadata = null; break;
            case "name": config.Metadata.Name = ""; break;
            case "namespace": config.Metadata.Namespace = ""; break;
            default: config.Metadata.Uid = ""; break;
        }

        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => cri.RunPodAsync(config, Cancel), message);
        Assert.Empty((await cri.RuntimeClient.ListPodSandboxAsync(new ListPodSandboxRequest(), cancellationToken: Cancel)).Items);
    }

    [Fact]
    public async Task RunPodSandbox_NoConfigAtAll_InvalidArgument()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);

        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, cri.RuntimeClient.RunPodSandboxAsync(new RunPodSandboxRequest(), cancellationToken: Cancel));
    }

    [Fact]
    public async Task RunPodSandbox_UnknownRuntimeHandler_FailsAndReleasesName()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);

        var error = await RpcAssert.FailsAsync(StatusCode.Unknown, () => cri.RunPodAsync(Kubelet.PodConfig("h"), Cancel, "kata"));
        var id = await cri.RunPodAsync(Kubelet.PodConfig("h"), Cancel, "runc");

        Assert.Matches("^unable to get OCI runtime for sandbox \"[0-9a-f]{64}\": no runtime for \"kata\" is configured$", error.Status.Detail);
        Assert.Equal("runc", (await cri.PodStatusAsync(id, Cancel)).RuntimeHandler);
    }

    [Fact]
    public async Task StopPodSandbox_RunningContainers_KilledWith137AndKept()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        await cri.PullAsync("busybox", Cancel);
        var podConfig = Kubelet.PodConfig("stop");
        var pod = await cri.RunPodAsync(podConfig, Cancel);
        var running = await cri.CreateAsync(pod, podConfig, Kubelet.ContainerConfig("running"), Cancel);
        var created = await cri.CreateAsync(pod, podConfig, Kubelet.ContainerConfig("created"), Cancel);
        await cri.StartAsync(running, Cancel);

        await cri.RuntimeClient.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = pod }, cancellationToken: Cancel);

        var status = await cri.PodStatusAsync(pod, Cancel);
        var killed = await cri.StatusAsync(running, Cancel);
        Assert.Equal(PodSandboxState.SandboxNotready, status.State);
        Assert.Equal("", status.Network.Ip);
        Assert.Equal((ContainerState.ContainerExited, 137, "Error"), (killed.State, killed.ExitCode, killed.Reason));
        Assert.True(killed.FinishedAt >= killed.StartedAt);
        Assert.Equal(ContainerState.ContainerCreated, (await cri.StatusAsync(created, Cancel)).State);
    }

    [Fact]
    public async Task StopPodSandbox_Repeated_ChangesNothing()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var pod = await cri.RunPodAsync(Kubelet.PodConfig("twice"), Cancel);
        await cri.RuntimeClient.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = pod }, cancellationToken: Cancel);
        var before = await cri.PodStatusAsync(pod, Cancel);

        await cri.RuntimeClient.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = pod }, cancellationToken: Cancel);

        Assert.Equal(before, await cri.PodStatusAsync(pod, Cancel));
    }

    [Fact]
    public async Task RemovePodSandbox_ReadySandboxWithContainers_RemovesAllAndReleasesNames()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        await cri.PullAsync("busybox", Cancel);
        var podConfig = Kubelet.PodConfig("rm");
        var pod = await cri.RunPodAsync(podConfig, Cancel);
        var container = await cri.CreateAsync(pod, podConfig, Kubelet.ContainerConfig("c"), Cancel);
        await cri.StartAsync(container, Cancel);

        await cri.RuntimeClient.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = pod }, cancellationToken: Cancel);

        await RpcAssert.FailsAsync(StatusCode.NotFound, () => cri.PodStatusAsync(pod, Cancel));
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => cri.StatusAsync(container, Cancel));
        Assert.Empty((await cri.RuntimeClient.ListContainersAsync(new ListContainersRequest(), cancellationToken: Cancel)).Containers);
        var pod2 = await cri.RunPodAsync(podConfig, Cancel);
        await cri.CreateAsync(pod2, podConfig, Kubelet.ContainerConfig("c"), Cancel);
    }

    [Fact]
    public async Task StopAndRemovePodSandbox_UnknownId_Succeed()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var unknown = new string('a', 64);

        await cri.RuntimeClient.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = unknown }, cancellationToken: Cancel);
        await cri.RuntimeClient.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = unknown }, cancellationToken: Cancel);
    }

    [Fact]
    public async Task PodSandboxStatus_UnknownId_NotFoundNamingTheId()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);

        await RpcAssert.FailsAsync(
            StatusCode.NotFound,
            () => cri.PodStatusAsync("deadbeef", Cancel),
            "an error occurred when try to find sandbox \"deadbeef\": not found");
    }

    [Fact]
    public async Task SandboxCalls_EmptyId_UnknownPrefixCantBeEmpty()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        const string Expected = "an error occurred when try to find sandbox \"\": prefix can't be empty";

        await RpcAssert.FailsAsync(StatusCode.Unknown, () => cri.PodStatusAsync("", Cancel), Expected);
        await RpcAssert.FailsAsync(StatusCode.Unknown, cri.RuntimeClient.StopPodSandboxAsync(new StopPodSandboxRequest(), cancellationToken: Cancel), Expected);
        await RpcAssert.FailsAsync(StatusCode.Unknown, cri.RuntimeClient.RemovePodSandboxAsync(new RemovePodSandboxRequest(), cancellationToken: Cancel), Expected);
    }

    [Fact]
    public async Task SandboxCalls_UniqueOrAmbiguousPrefix_ResolveOrFailUnknown()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var ids = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            ids.Add(await cri.RunPodAsync(Kubelet.PodConfig($"pod{i}"), Cancel));
        }

        // With 40 random IDs over 16 first characters, some first character is shared: that prefix is ambiguous.
        var shared = ids.GroupBy(id => id[..1]).First(g => g.Count() > 1).Key;
        var unique = ids[0][..12];

        Assert.Equal(ids[0], (await cri.PodStatusAsync(unique, Cancel)).Id);
        await RpcAssert.FailsAsync(
            StatusCode.Unknown,
            () => cri.PodStatusAsync(shared, Cancel),
            $"an error occurred when try to find sandbox \"{shared}\": Multiple IDs found with provided prefix: {shared}");
        await RpcAssert.FailsAsync(StatusCode.Unknown, cri.RuntimeClient.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = shared }, cancellationToken: Cancel));
    }

    [Fact]
    public async Task PodSandboxStatus_Verbose_AddsContainerdStyleInfo()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var pod = await cri.RunPodAsync(Kubelet.PodConfig("v"), Cancel);
        await cri.RuntimeClient.UpdatePodSandboxResourcesAsync(
            new UpdatePodSandboxResourcesRequest { PodSandboxId = pod, Resources = new LinuxContainerResources { CpuShares = 512 } },
            cancellationToken: Cancel);

        var response = await cri.RuntimeClient.PodSandboxStatusAsync(
            new PodSandboxStatusRequest { PodSandboxId = pod, Verbose = true }, cancellationToken: Cancel);
        var plain = await cri.RuntimeClient.PodSandboxStatusAsync(
            new PodSandboxStatusRequest { PodSandboxId = pod }, cancellationToken: Cancel);

        using var info = JsonDocument.Parse(response.Info["info"]);
        Assert.Equal("running", info.RootElement.GetProperty("processStatus").GetString());
        Assert.Equal("registry.k8s.io/pause:3.10.2", info.RootElement.GetProperty("image").GetString());
        Assert.Equal("v", info.RootElement.GetProperty("config").GetProperty("metadata").GetProperty("name").GetString());
        Assert.Equal("512", info.RootElement.GetProperty("resources").GetProperty("cpuShares").GetString());
        Assert.Empty(plain.Info);
    }

    [Fact]
    public async Task UpdatePodSandboxResources_UnknownSandbox_NotFound()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);

        await RpcAssert.FailsAsync(
            StatusCode.NotFound,
            cri.RuntimeClient.UpdatePodSandboxResourcesAsync(new UpdatePodSandboxResourcesRequest { PodSandboxId = "abc" }, cancellationToken: Cancel),
            "failed to find sandbox \"abc\": not found");
    }

    [Fact]
    public async Task RunPodSandbox_First_MakesPinnedSandboxImagePresent()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);

        await cri.RunPodAsync(Kubelet.PodConfig("pause"), Cancel);
        var images = (await cri.ImageClient.ListImagesAsync(new ListImagesRequest(), cancellationToken: Cancel)).Images;

        var pause = Assert.Single(images);
        Assert.Equal(["registry.k8s.io/pause:3.10.2"], pause.RepoTags);
        Assert.True(pause.Pinned);
        Assert.Equal(65535, pause.Uid.Value);
    }

    private static string SandboxState(PodSandboxState state) => state.ToString();
}
