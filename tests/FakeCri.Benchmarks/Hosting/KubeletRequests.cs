using FakeCri.Cri.V1;
using Google.Protobuf;

namespace FakeCri.Benchmarks.Hosting;

/// <summary>
/// Requests shaped as kubelet sends them: the labels and annotations it sets, DNS, namespace options, resources,
/// environment and the service-account, hosts and termination-log mounts. Mount host paths exist and are shared,
/// so the benchmarks measure the fake's path resolution, not directory creation. No log directory: with one the
/// fake writes real log files, which would measure the disk.
/// </summary>
public static class KubeletRequests
{
    private static readonly Lazy<(string ServiceAccount, string Hosts, string TerminationLog)> HostPaths = new(() =>
        (BenchPaths.HostDirectory("kube-api-access"), BenchPaths.HostFile("etc-hosts"), BenchPaths.HostFile("termination-log")));

    public static PodSandboxConfig Pod(string name, string podNamespace = "default", string? uid = null, string app = "web")
    {
        uid ??= Guid.NewGuid().ToString();
        return new PodSandboxConfig
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
                CgroupParent = $"kubepods-besteffort-pod{uid.Replace('-', '_')}.slice",
                SecurityContext = new LinuxSandboxSecurityContext
                {
                    NamespaceOptions = new NamespaceOption { Network = NamespaceMode.Pod, Pid = NamespaceMode.Container, Ipc = NamespaceMode.Pod },
                    Seccomp = new SecurityProfile { ProfileType = SecurityProfile.Types.ProfileType.RuntimeDefault },
                },
            },
        };
    }

    /// <summary>busybox running <c>top</c> (ends on SIGTERM, so graceful stops return at once), or the image's own command.</summary>
    public static CreateContainerRequest Container(string podId, PodSandboxConfig pod, string name, string image = "busybox", bool top = true)
    {
        var (serviceAccount, hosts, terminationLog) = HostPaths.Value;
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
            Mounts =
            {
                new Mount { ContainerPath = "/var/run/secrets/kubernetes.io/serviceaccount", HostPath = serviceAccount, Readonly = true },
                new Mount { ContainerPath = "/etc/hosts", HostPath = hosts },
                new Mount { ContainerPath = "/dev/termination-log", HostPath = terminationLog },
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
        if (top)
        {
            config.Command.Add("top");
        }

        return new CreateContainerRequest { PodSandboxId = podId, Config = config, SandboxConfig = pod };
    }

    private static KeyValue Env(string key, string value) => new() { Key = key, Value = ByteString.CopyFromUtf8(value) };
}
