using System.Text.Json;
using FakeCri.Cri.V1;
using FakeCri.Tests.Infrastructure;
using Grpc.Core;

namespace FakeCri.Tests.Runtime;

/// <summary>Container lifecycle: CREATED → RUNNING → EXITED → removed, with containerd's errors.</summary>
public sealed class ContainerTests : IAsyncLifetime
{
    private FakeCriServer _cri = null!;
    private PodSandboxConfig _podConfig = null!;
    private string _pod = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        await _cri.PullAsync("busybox", Cancel);
        await _cri.PullAsync("nginx:1.27", Cancel);
        _podConfig = Kubelet.PodConfig("pod");
        _pod = await _cri.RunPodAsync(_podConfig, Cancel);
    }

    public ValueTask DisposeAsync() => _cri.DisposeAsync();

    [Fact]
    public async Task CreateContainer_ReadySandbox_CreatedWithEveryStatusField()
    {
        var config = Kubelet.ContainerConfig("app", "busybox", 0, "sleep", "3600");

        var id = await _cri.CreateAsync(_pod, _podConfig, config, Cancel);
        var status = await _cri.StatusAsync(id, Cancel);
        var image = (await _cri.ImageClient.ImageStatusAsync(new ImageStatusRequest { Image = new ImageSpec { Image = "busybox" } }, cancellationToken: Cancel)).Image;

        Assert.Matches("^[0-9a-f]{64}$", id);
        Assert.Equal(ContainerState.ContainerCreated, status.State);
        Assert.Equal(config.Metadata, status.Metadata);
        Assert.True(status.CreatedAt > 0);
        Assert.Equal((0L, 0L, 0, "", ""), (status.StartedAt, status.FinishedAt, status.ExitCode, status.Reason, status.Message));
        Assert.Equal("docker.io/library/busybox:latest", status.Image.Image); // the image's first tag, as containerd
        Assert.Equal(image.RepoDigests[0], status.ImageRef);
        Assert.Equal(image.Id, status.ImageId);
        Assert.Equal(config.Labels, status.Labels);
        Assert.Equal(config.Annotations, status.Annotations);
        Assert.Equal(config.Mounts, status.Mounts);
        Assert.Equal(config.Linux.Resources, status.Resources.Linux);
        Assert.Equal("", status.LogPath); // the pod has no log_directory
        Assert.Equal(Signal.Sigterm, status.StopSignal);
        Assert.Equal(0, status.User.Linux.Uid);
    }

    [Fact]
    public async Task CreateContainer_ImageNotPresent_NotFoundAndNameReleased()
    {
        var config = Kubelet.ContainerConfig("missing", "alpine:3.20");

        await RpcAssert.FailsAsync(
            StatusCode.NotFound,
            () => _cri.CreateAsync(_pod, _podConfig, config, Cancel),
            "failed to resolve image \"alpine:3.20\": not found");
        await _cri.PullAsync("alpine:3.20", Cancel);
        var id = await _cri.CreateAsync(_pod, _podConfig, config, Cancel);

        Assert.Equal(ContainerState.ContainerCreated, (await _cri.StatusAsync(id, Cancel)).State);
    }

    [Theory]
    [InlineData("busybox")]
    [InlineData("docker.io/library/busybox:latest")]
    [InlineData("id")]
    [InlineData("id-prefix")]
    [InlineData("digest")]
    public async Task CreateContainer_ImageByAnyReference_ResolvesToTheSameImageId(string form)
    {
        var image = (await _cri.ImageClient.ImageStatusAsync(new ImageStatusRequest { Image = new ImageSpec { Image = "busybox" } }, cancellationToken: Cancel)).Image;
        var reference = form switch
        {
            "id" => image.Id,
            "id-prefix" => image.Id["sha256:".Length..][..10],
            "digest" => image.RepoDigests[0],
            _ => form,
        };

        var id = await _cri.CreateAsync(_pod, _podConfig, Kubelet.ContainerConfig("c", reference), Cancel);
        var listed = (await _cri.RuntimeClient.ListContainersAsync(new ListContainersRequest(), cancellationToken: Cancel)).Containers.Single();

        Assert.Equal(image.Id, (await _cri.StatusAsync(id, Cancel)).ImageId);
        Assert.Equal(image.Id, listed.ImageId);
        Assert.Equal(image.Id, listed.ImageRef);
        Assert.Equal(reference, listed.Image.Image); // List echoes the ImageSpec as sent
    }

    [Fact]
    public async Task CreateContainer_SameNameAndAttempt_FailedPreconditionUntilRemoved()
    {
        var first = await _cri.CreateAsync(_pod, _podConfig, Kubelet.ContainerConfig("web"), Cancel);

        var error = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => _cri.CreateAsync(_pod, _podConfig, Kubelet.ContainerConfig("web"), Cancel));
        await _cri.CreateAsync(_pod, _podConfig, Kubelet.ContainerConfig("web", attempt: 1), Cancel);
        await _cri.RuntimeClient.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = first }, cancellationToken: Cancel);
        await _cri.CreateAsync(_pod, _podConfig, Kubelet.ContainerConfig("web"), Cancel);

        const string Key = "web_pod_default_uid-pod_0";
        Assert.Equal(
            $"failed to reserve container name \"{Key}\"; check if another CreateContainer request is in progress: name \"{Key}\" is reserved for \"{first}\"",
            error.Status.Detail);
    }

    [Fact]
    public async Task CreateContainer_StoppedSandbox_UnknownNotRunning()
    {
        await _cri.RuntimeClient.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = _pod }, cancellationToken: Cancel);

        await RpcAssert.FailsAsync(
            StatusCode.Unknown,
            () => _cri.CreateAsync(_pod, _podConfig, Kubelet.ContainerConfig("late"), Cancel),
            $"sandbox container \"{_pod}\" is not running");
    }

    [Fact]
    public async Task CreateContainer_UnknownSandbox_NotFound()
    {
        await RpcAssert.FailsAsync(
            StatusCode.NotFound,
            () => _cri.CreateAsync("0000", _podConfig, Kubelet.ContainerConfig("x"), Cancel),
            "failed to find sandbox id \"0000\": not found");
    }

    [Theory]
    [InlineData("metadata", "container config must include metadata: config.metadata is missing")]
    [InlineData("name", "config.metadata.name must not be empty")]
    [InlineData("sandbox", "pod sandbox config must include metadata: sandbox_config.metadata is missing")]
    [InlineData("image", "config.image.image must not be empty")]
    [InlineData("imagespec", "config.image.image must not be empty")]
    public async Task CreateContainer_MissingField_InvalidArgumentNamingIt(string missing, string message)
    {
        var config = Kubelet.ContainerConfig("x");
        var podConfig = _podConfig.Clone();
        switch (missing)
        {
            case "metadata": config.Metadata = null; break;
            case "name": config.Metadata.Name = ""; break;
            case "sandbox": podConfig.Metadata = null; break;
            case "image": config.Image.Image = ""; break;
            default: config.Image = null; break;
        }

        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => _cri.CreateAsync(_pod, podConfig, config, Cancel), message);
    }

    [Fact]
    public async Task CreateContainer_RunAsGroupWithoutUser_Fails()
    {
        var config = Kubelet.ContainerConfig("grp");
        config.Linux.SecurityContext = new LinuxContainerSecurityContext { RunAsGroup = new Int64Value { Value = 50 } };

        await RpcAssert.FailsAsync(
            StatusCode.Unknown,
            () => _cri.CreateAsync(_pod, _podConfig, config, Cancel),
            "failed to generate spec opts: user group \"50\" is specified without user");
    }

    [Fact]
    public async Task StartContainer_Created_RunningWithStartedAt()
    {
        var id = await _cri.CreateAsync(_pod, _podConfig, Kubelet.ContainerConfig("s"), Cancel);

        await _cri.StartAsync(id, Cancel);
        var status = await _cri.StatusAsync(id, Cancel);

        Assert.Equal(ContainerState.ContainerRunning, status.State);
        Assert.True(status.StartedAt >= status.CreatedAt && status.StartedAt > 0);
        Assert.Equal(0, status.FinishedAt);
    }

    [Fact]
    public async Task StartContainer_AlreadyRunningOrExited_UnknownNamingTheState()
    {
        var id = await _cri.CreateAsync(_pod, _podConfig, Kubelet.ContainerConfig("twice"), Cancel);
        await _cri.StartAsync(id, Cancel);

        await RpcAssert.FailsAsync(
            StatusCode.Unknown,
            () => _cri.StartAsync(id, Cancel),
            $"failed to set starting state for container \"{id}\": container is in CONTAINER_RUNNING state");
        await _cri.StopAsync(id, 0, Cancel);
        await RpcAssert.FailsAsync(
            StatusCode.Unknown,
            () => _cri.StartAsync(id, Cancel),
            $"failed to set starting state for container \"{id}\": container is in CONTAINER_EXITED state");
    }

    [Fact]
    public async Task StartContainer_UnwritableLogPath_ExitedWithStartError128()
    {
        var blocker = Path.Combine(TempSocket.NewDirectory(), "not-a-dir");
        await File.WriteAllTextAsync(blocker, "file where a directory should be", Cancel);
        var podConfig = Kubelet.PodConfig("logs", logDirectory: blocker);
        var pod = await _cri.RunPodAsync(podConfig, Cancel);
        var id = await _cri.CreateAsync(pod, podConfig, Kubelet.ContainerConfig("c"), Cancel);

        var error = await RpcAssert.FailsAsync(StatusCode.Unknown, () => _cri.StartAsync(id, Cancel));
        var status = await _cri.StatusAsync(id, Cancel);

        Assert.Equal((ContainerState.ContainerExited, 128, "StartError"), (status.State, status.ExitCode, status.Reason));
        Assert.Equal(error.Status.Detail, status.Message);
        Assert.True(status.FinishedAt > 0);
    }

    [Fact]
    public async Task StartContainer_SandboxStoppedAfterCreate_StartErrorAndSandboxNamed()
    {
        var id = await _cri.CreateAsync(_pod, _podConfig, Kubelet.ContainerConfig("orphan"), Cancel);
        await _cri.RuntimeClient.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = _pod }, cancellationToken: Cancel);

        await RpcAssert.FailsAsync(StatusCode.Unknown, () => _cri.StartAsync(id, Cancel), $"sandbox container \"{_pod}\" is not running");

        var status = await _cri.StatusAsync(id, Cancel);
        Assert.Equal((ContainerState.ContainerExited, 128, "StartError"), (status.State, status.ExitCode, status.Reason));
    }

    [Theory]
    [InlineData(30, 143)] // SIGTERM, the default stop signal: the emulated process exits promptly
    [InlineData(0, 137)] // grace period 0: SIGKILL
    [InlineData(-1, 137)]
    public async Task StopContainer_Running_ExitsWithSignalCode(long timeout, int exitCode)
    {
        var id = await _cri.CreateAsync(_pod, _podConfig, Kubelet.ContainerConfig("stop"), Cancel);
        await _cri.StartAsync(id, Cancel);

        await _cri.StopAsync(id, timeout, Cancel);
        var status = await _cri.StatusAsync(id, Cancel);

        Assert.Equal((ContainerState.ContainerExited, exitCode, "Error"), (status.State, status.ExitCode, status.Reason));
        Assert.True(status.FinishedAt >= status.StartedAt);
    }

    [Fact]
    public async Task StopContainer_ImageStopSignal_UsedWhenConfigHasNone()
    {
        var id = await _cri.CreateAsync(_pod, _podConfig, Kubelet.ContainerConfig("nginx", "nginx:1.27"), Cancel);
        await _cri.StartAsync(id, Cancel);

        await _cri.StopAsync(id, 10, Cancel);
        var status = await _cri.StatusAsync(id, Cancel);

        Assert.Equal(Signal.Sigquit, status.StopSignal);
        Assert.Equal(128 + 3, status.ExitCode);
    }

    [Fact]
    public async Task StopContainer_CreatedOrExitedOrUnknown_SucceedsWithoutChange()
    {
        var created = await _cri.CreateAsync(_pod, _podConfig, Kubelet.ContainerConfig("created"), Cancel);
        var exited = await _cri.CreateAsync(_pod, _podConfig, Kubelet.ContainerConfig("exited"), Cancel);
        await _cri.StartAsync(exited, Cancel);
        await _cri.StopAsync(exited, 0, Cancel);
        var exitedBefore = await _cri.StatusAsync(exited, Cancel);

        await _cri.StopAsync(created, 10, Cancel);
        await _cri.StopAsync(exited, 10, Cancel);
        await _cri.StopAsync(new string('f', 64), 10, Cancel);

        Assert.Equal(ContainerState.ContainerCreated, (await _cri.StatusAsync(created, Cancel)).State);
        Assert.Equal(exitedBefore, await _cri.StatusAsync(exited, Cancel));
    }

    [Fact]
    public async Task ContainerCalls_EmptyId_UnknownPrefixCantBeEmpty()
    {
        const string Expected = "an error occurred when try to find container \"\": prefix can't be empty";

        await RpcAssert.FailsAsync(StatusCode.Unknown, () => _cri.StopAsync("", 0, Cancel), Expected);
        await RpcAssert.FailsAsync(StatusCode.Unknown, () => _cri.StartAsync("", Cancel), Expected);
        await RpcAssert.FailsAsync(StatusCode.Unknown, cri().RemoveContainerAsync(new RemoveContainerRequest(), cancellationToken: Cancel), Expected);
        await RpcAssert.FailsAsync(StatusCode.Unknown, () => _cri.StatusAsync("", Cancel), Expected);

        RuntimeService.RuntimeServiceClient cri() => _cri.RuntimeClient;
    }

    [Fact]
    public async Task ContainerStatus_UnknownId_NotFound()
    {
        await RpcAssert.FailsAsync(
            StatusCode.NotFound,
            () => _cri.StatusAsync("cafe", Cancel),
            "an error occurred when try to find container \"cafe\": not found");
    }

    [Fact]
    public async Task RemoveContainer_Running_KilledRemovedAndIdempotent()
    {
        var id = await _cri.CreateAsync(_pod, _podConfig, Kubelet.ContainerConfig("rm"), Cancel);
        await _cri.StartAsync(id, Cancel);

        await _cri.RuntimeClient.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = id }, cancellationToken: Cancel);
        await _cri.RuntimeClient.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = id }, cancellationToken: Cancel);

        await RpcAssert.FailsAsync(StatusCode.NotFound, () => _cri.StatusAsync(id, Cancel));
    }

    [Fact]
    public async Task ContainerStatus_ShortIdPrefix_Resolves()
    {
        var id = await _cri.CreateAsync(_pod, _podConfig, Kubelet.ContainerConfig("short"), Cancel);

        Assert.Equal(id, (await _cri.StatusAsync(id[..6], Cancel)).Id);
    }

    [Fact]
    public async Task UpdateContainerResources_NonZeroFields_MergedIntoStatus()
    {
        var id = await _cri.CreateAsync(_pod, _podConfig, Kubelet.ContainerConfig("res"), Cancel);

        await _cri.RuntimeClient.UpdateContainerResourcesAsync(
            new UpdateContainerResourcesRequest
            {
                ContainerId = id,
                Linux = new LinuxContainerResources { CpuQuota = 50_000, CpuPeriod = 100_000, MemoryLimitInBytes = 0 },
            },
            cancellationToken: Cancel);
        var resources = (await _cri.StatusAsync(id, Cancel)).Resources.Linux;

        Assert.Equal((50_000L, 100_000L, 2L, 64L << 20), (resources.CpuQuota, resources.CpuPeriod, resources.CpuShares, resources.MemoryLimitInBytes));
    }

    [Fact]
    public async Task UpdateContainerResources_UnknownContainer_NotFound()
    {
        await RpcAssert.FailsAsync(
            StatusCode.NotFound,
            _cri.RuntimeClient.UpdateContainerResourcesAsync(new UpdateContainerResourcesRequest { ContainerId = "nope" }, cancellationToken: Cancel),
            "failed to find container \"nope\": not found");
    }

    [Fact]
    public async Task ContainerStatus_Verbose_AddsInfoWithSandboxId()
    {
        var id = await _cri.CreateAsync(_pod, _podConfig, Kubelet.ContainerConfig("verbose"), Cancel);

        var response = await _cri.RuntimeClient.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = id, Verbose = true }, cancellationToken: Cancel);

        using var info = JsonDocument.Parse(response.Info["info"]);
        Assert.Equal(_pod, info.RootElement.GetProperty("sandboxID").GetString());
        Assert.Equal("verbose", info.RootElement.GetProperty("config").GetProperty("metadata").GetProperty("name").GetString());
    }

    [Fact]
    public async Task ContainerStatus_ImageRemovedAfterCreate_FallsBackToRequestedSpecAndId()
    {
        var id = await _cri.CreateAsync(_pod, _podConfig, Kubelet.ContainerConfig("gone", "nginx:1.27"), Cancel);
        await _cri.ImageClient.RemoveImageAsync(new RemoveImageRequest { Image = new ImageSpec { Image = "nginx:1.27" } }, cancellationToken: Cancel);

        var status = await _cri.StatusAsync(id, Cancel);

        Assert.Equal("nginx:1.27", status.Image.Image);
        Assert.Equal(status.ImageId, status.ImageRef);
        Assert.StartsWith("sha256:", status.ImageRef);
    }

    [Theory]
    [InlineData("gcr.io/k8s-staging-cri-tools/test-image-user-uid", null, null, 1002, 0)] // no passwd entry: gid 0
    [InlineData("gcr.io/k8s-staging-cri-tools/test-image-user-username", null, null, 33, 33)]
    [InlineData("gcr.io/k8s-staging-cri-tools/test-image-user-uid-group", null, null, 1003, 100)]
    [InlineData("busybox", 1234L, 5678L, 1234, 5678)]
    public async Task ContainerStatus_User_ResolvedFromSecurityContextOrImage(string image, long? runAsUser, long? runAsGroup, long uid, long gid)
    {
        await _cri.PullAsync(image, Cancel);
        var config = Kubelet.ContainerConfig("user", image);
        config.Linux.SecurityContext = new LinuxContainerSecurityContext();
        if (runAsUser is not null)
        {
            config.Linux.SecurityContext.RunAsUser = new Int64Value { Value = runAsUser.Value };
        }

        if (runAsGroup is not null)
        {
            config.Linux.SecurityContext.RunAsGroup = new Int64Value { Value = runAsGroup.Value };
        }

        var id = await _cri.CreateAsync(_pod, _podConfig, config, Cancel);
        var user = (await _cri.StatusAsync(id, Cancel)).User.Linux;

        Assert.Equal((uid, gid), (user.Uid, user.Gid));
        Assert.Contains(gid, user.SupplementalGroups);
    }
}
