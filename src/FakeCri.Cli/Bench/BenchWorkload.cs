using FakeCri.Cri.V1;
using Google.Protobuf;

namespace FakeCri.Cli.Bench;

/// <summary>
/// The requests of a run, shaped as kubelet sends them (labels and annotations it sets, namespace options, DNS,
/// resources), with names unique to this run so several runs, or other clients, can share a runtime. No log
/// directory: a real runtime would then need kubelet's directories, and the fake would write real files.
/// </summary>
internal sealed class BenchWorkload
{
    public const string Namespace = "fakecri-bench";

    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    public BenchWorkload(string image, long stopTimeout)
    {
        Image = image;
        StopTimeout = stopTimeout;
    }

    public string Image { get; }

    public long StopTimeout { get; }

    public PodSandboxConfig Pod(string kind, int index)
    {
        var name = $"bench-{_run}-{kind}-{index}";
        var uid = Guid.NewGuid().ToString();
        return new PodSandboxConfig
        {
            Metadata = new PodSandboxMetadata { Name = name, Namespace = Namespace, Uid = uid },
            Hostname = name,
            DnsConfig = new DNSConfig
            {
                Servers = { "10.96.0.10" },
                Searches = { $"{Namespace}.svc.cluster.local", "svc.cluster.local", "cluster.local" },
                Options = { "ndots:5" },
            },
            Labels =
            {
                ["io.kubernetes.pod.name"] = name,
                ["io.kubernetes.pod.namespace"] = Namespace,
                ["io.kubernetes.pod.uid"] = uid,
                ["app"] = "fakecri-bench",
                ["fakecri.io/bench-run"] = _run,
            },
            Annotations =
            {
                ["kubernetes.io/config.seen"] = "2026-01-01T00:00:00.000000000Z",
                ["kubernetes.io/config.source"] = "api",
            },
            Linux = new LinuxPodSandboxConfig
            {
                SecurityContext = new LinuxSandboxSecurityContext
                {
                    NamespaceOptions = new NamespaceOption { Network = NamespaceMode.Pod, Pid = NamespaceMode.Container, Ipc = NamespaceMode.Pod },
                },
            },
        };
    }

    public CreateContainerRequest Container(string podId, PodSandboxConfig pod, int index) => new()
    {
        PodSandboxId = podId,
        SandboxConfig = pod,
        Config = new ContainerConfig
        {
            Metadata = new ContainerMetadata { Name = $"c{index}" },
            Image = new ImageSpec { Image = Image, UserSpecifiedImage = Image },
            // busybox top ends on SIGTERM, so a graceful stop returns at once (critest uses it for the same reason).
            Command = { "top" },
            Envs = { Env("KUBERNETES_SERVICE_HOST", "10.96.0.1"), Env("KUBERNETES_SERVICE_PORT", "443") },
            Labels =
            {
                ["io.kubernetes.container.name"] = $"c{index}",
                ["io.kubernetes.pod.name"] = pod.Metadata.Name,
                ["io.kubernetes.pod.namespace"] = pod.Metadata.Namespace,
                ["io.kubernetes.pod.uid"] = pod.Metadata.Uid,
            },
            Annotations =
            {
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
                },
            },
        },
    };

    private static KeyValue Env(string key, string value) => new() { Key = key, Value = ByteString.CopyFromUtf8(value) };
}
