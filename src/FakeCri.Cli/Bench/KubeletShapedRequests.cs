using FakeCri.Cri.V1;
using Google.Protobuf;

namespace FakeCri.Cli.Bench;

/// <summary>
/// Pod and container requests shaped as kubelet sends them: the labels and annotations it sets, DNS, namespace
/// options, seccomp, resources, environment, masked and read-only paths, and optionally its three mounts (service
/// account, <c>/etc/hosts</c>, termination log). Shared by <c>fakecri bench</c> and the benchmarks (linked into
/// tests/FakeCri.Benchmarks), so both load a runtime with the same requests. No log directory: a real runtime would
/// then need kubelet's directories, and the fake would write real files.
/// </summary>
internal static class KubeletShapedRequests
{
    public static PodSandboxConfig Pod(
        string name, string podNamespace, string uid, string app, string? cgroupParent = null, IEnumerable<KeyValuePair<string, string>>? extraLabels = null)
    {
        var config = new PodSandboxConfig
        {
            Metadata = new PodSandboxMetadata { Name = name, Namespace = podNamespace, Uid = uid },
            Hostname = name,
            DnsConfig = new DNSConfig
            {
                Servers = { "10.96.0.10" },
                Searches = { $"{podNamespace}.svc.cluster.local", "svc.cluster.local", "cluster.local" },
                Options = { "ndots:5" },
            },
            Labels =
            {
                ["app"] = app,
                ["pod-template-hash"] = "7c5ddbdf54",
                ["io.kubernetes.pod.name"] = name,
                ["io.kubernetes.pod.namespace"] = podNamespace,
                ["io.kubernetes.pod.uid"] = uid,
            },
            Annotations =
            {
                ["kubernetes.io/config.seen"] = "2026-01-01T00:00:00.000000000Z",
                ["kubernetes.io/config.source"] = "api",
            },
            Linux = new LinuxPodSandboxConfig
            {
                CgroupParent = cgroupParent ?? string.Empty,
                SecurityContext = new LinuxSandboxSecurityContext
                {
                    NamespaceOptions = new NamespaceOption { Network = NamespaceMode.Pod, Pid = NamespaceMode.Container, Ipc = NamespaceMode.Pod },
                    Seccomp = new SecurityProfile { ProfileType = SecurityProfile.Types.ProfileType.RuntimeDefault },
                },
            },
        };
        foreach (var (key, value) in extraLabels ?? [])
        {
            config.Labels[key] = value;
        }

        return config;
    }

    /// <summary>
    /// A container running <paramref name="image"/>: with <paramref name="top"/> the command is busybox's
    /// <c>top</c>, which ends on SIGTERM so a graceful stop returns at once (critest uses it for the same reason);
    /// otherwise the image's own command.
    /// </summary>
    public static CreateContainerRequest Container(
        string podId, PodSandboxConfig pod, string name, string image, bool top = true, KubeletMounts? mounts = null)
    {
        var config = new ContainerConfig
        {
            Metadata = new ContainerMetadata { Name = name },
            Image = new ImageSpec { Image = image, UserSpecifiedImage = image },
            Envs =
            {
                Env("KUBERNETES_SERVICE_HOST", "10.96.0.1"),
                Env("KUBERNETES_SERVICE_PORT", "443"),
                Env("KUBERNETES_PORT", "tcp://10.96.0.1:443"),
                Env("POD_NAME", pod.Metadata.Name),
            },
            Labels =
            {
                ["io.kubernetes.container.name"] = name,
                ["io.kubernetes.pod.name"] = pod.Metadata.Name,
                ["io.kubernetes.pod.namespace"] = pod.Metadata.Namespace,
                ["io.kubernetes.pod.uid"] = pod.Metadata.Uid,
            },
            Annotations =
            {
                ["io.kubernetes.container.hash"] = "4f2a8e1c",
                ["io.kubernetes.container.restartCount"] = "0",
                ["io.kubernetes.container.terminationMessagePath"] = "/dev/termination-log",
                ["io.kubernetes.container.terminationMessagePolicy"] = "File",
                ["io.kubernetes.pod.terminationGracePeriod"] = "30",
            },
            Linux = new LinuxContainerConfig
            {
                Resources = new LinuxContainerResources { CpuPeriod = 100_000, CpuShares = 2, OomScoreAdj = 1000 },
                SecurityContext = new LinuxContainerSecurityContext
                {
                    NamespaceOptions = new NamespaceOption { Network = NamespaceMode.Pod, Pid = NamespaceMode.Container, Ipc = NamespaceMode.Pod },
                    Seccomp = new SecurityProfile { ProfileType = SecurityProfile.Types.ProfileType.RuntimeDefault },
                    MaskedPaths = { "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/timer_list", "/sys/firmware" },
                    ReadonlyPaths = { "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger" },
                },
            },
        };
        if (mounts is not null)
        {
            config.Mounts.Add(new Mount { ContainerPath = "/var/run/secrets/kubernetes.io/serviceaccount", HostPath = mounts.ServiceAccount, Readonly = true });
            config.Mounts.Add(new Mount { ContainerPath = "/etc/hosts", HostPath = mounts.Hosts });
            config.Mounts.Add(new Mount { ContainerPath = "/dev/termination-log", HostPath = mounts.TerminationLog });
        }

        if (top)
        {
            config.Command.Add("top");
        }

        return new CreateContainerRequest { PodSandboxId = podId, Config = config, SandboxConfig = pod };
    }

    private static KeyValue Env(string key, string value) => new() { Key = key, Value = ByteString.CopyFromUtf8(value) };
}

/// <summary>Host paths for kubelet's three mounts (they must exist on the runtime's host).</summary>
internal sealed record KubeletMounts(string ServiceAccount, string Hosts, string TerminationLog);
