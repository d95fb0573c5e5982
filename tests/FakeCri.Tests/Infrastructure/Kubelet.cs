using FakeCri.Cri.V1;

namespace FakeCri.Tests.Infrastructure;

/// <summary>Requests shaped the way kubelet builds them, so tests read like a node's conversation.</summary>
public static class Kubelet
{
    public static PodSandboxConfig PodConfig(string name, string @namespace = "default", string? uid = null, uint attempt = 0,
        string? logDirectory = null) => new()
        {
            Metadata = new PodSandboxMetadata
            {
                Name = name,
                Namespace = @namespace,
                Uid = uid ?? $"uid-{name}",
                Attempt = attempt,
            },
            Hostname = name,
            LogDirectory = logDirectory ?? string.Empty,
            Labels =
        {
            ["io.kubernetes.pod.name"] = name,
            ["io.kubernetes.pod.namespace"] = @namespace,
            ["app"] = name,
        },
            Annotations = { ["kubernetes.io/config.source"] = "api" },
            Linux = new LinuxPodSandboxConfig
            {
                CgroupParent = $"/kubepods/besteffort/pod{uid ?? name}",
                SecurityContext = new LinuxSandboxSecurityContext
                {
                    NamespaceOptions = new NamespaceOption { Network = NamespaceMode.Pod, Pid = NamespaceMode.Container },
                },
            },
        };

    public static PodSandboxConfig HostNetwork(this PodSandboxConfig config)
    {
        config.Linux.SecurityContext.NamespaceOptions.Network = NamespaceMode.Node;
        return config;
    }

    public static ContainerConfig ContainerConfig(string name, string image = "busybox", uint attempt = 0, params string[] command) => new()
    {
        Metadata = new ContainerMetadata { Name = name, Attempt = attempt },
        Image = new ImageSpec { Image = image, UserSpecifiedImage = image },
        // top runs until stopped and handles SIGTERM, as critest's containers do; tests that need another
        // program say so.
        Command = { command.Length > 0 ? command : ["top"] },
        LogPath = $"{name}/{attempt}.log",
        Labels = { ["io.kubernetes.container.name"] = name },
        Annotations = { ["io.kubernetes.container.restartCount"] = attempt.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        Mounts =
        {
            new Mount { ContainerPath = "/etc/hosts", HostPath = "/tmp/etc-hosts", Readonly = false },
        },
        Linux = new LinuxContainerConfig
        {
            Resources = new LinuxContainerResources { CpuShares = 2, MemoryLimitInBytes = 64 << 20, OomScoreAdj = 1000 },
        },
    };

    public static async Task<string> PullAsync(this FakeCriServer cri, string image, CancellationToken cancellationToken) =>
        (await cri.ImageClient.PullImageAsync(
            new PullImageRequest { Image = new ImageSpec { Image = image } }, cancellationToken: cancellationToken)).ImageRef;

    public static async Task<string> RunPodAsync(this FakeCriServer cri, PodSandboxConfig config, CancellationToken cancellationToken,
        string runtimeHandler = "") =>
        (await cri.RuntimeClient.RunPodSandboxAsync(
            new RunPodSandboxRequest { Config = config, RuntimeHandler = runtimeHandler }, cancellationToken: cancellationToken)).PodSandboxId;

    public static async Task<string> CreateAsync(this FakeCriServer cri, string podId, PodSandboxConfig podConfig,
        ContainerConfig config, CancellationToken cancellationToken) =>
        (await cri.RuntimeClient.CreateContainerAsync(
            new CreateContainerRequest { PodSandboxId = podId, Config = config, SandboxConfig = podConfig },
            cancellationToken: cancellationToken)).ContainerId;

    public static async Task<PodSandboxStatus> PodStatusAsync(this FakeCriServer cri, string podId, CancellationToken cancellationToken) =>
        (await cri.RuntimeClient.PodSandboxStatusAsync(
            new PodSandboxStatusRequest { PodSandboxId = podId }, cancellationToken: cancellationToken)).Status;

    public static async Task<ContainerStatus> StatusAsync(this FakeCriServer cri, string containerId, CancellationToken cancellationToken) =>
        (await cri.RuntimeClient.ContainerStatusAsync(
            new ContainerStatusRequest { ContainerId = containerId }, cancellationToken: cancellationToken)).Status;

    public static Task StartAsync(this FakeCriServer cri, string containerId, CancellationToken cancellationToken) =>
        cri.RuntimeClient.StartContainerAsync(new StartContainerRequest { ContainerId = containerId }, cancellationToken: cancellationToken).ResponseAsync;

    public static Task StopAsync(this FakeCriServer cri, string containerId, long timeout, CancellationToken cancellationToken) =>
        cri.RuntimeClient.StopContainerAsync(
            new StopContainerRequest { ContainerId = containerId, Timeout = timeout }, cancellationToken: cancellationToken).ResponseAsync;
}
