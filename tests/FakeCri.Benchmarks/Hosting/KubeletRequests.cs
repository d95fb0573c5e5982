using FakeCri.Cli.Bench;
using FakeCri.Cri.V1;

namespace FakeCri.Benchmarks.Hosting;

/// <summary>
/// The benchmarks' requests: <c>fakecri bench</c>'s kubelet-shaped ones (<see cref="KubeletShapedRequests"/>, linked
/// from src/FakeCri.Cli) with kubelet's cgroup parent and its three mounts. Mount host paths exist and are shared,
/// so the benchmarks measure the fake's path resolution, not directory creation.
/// </summary>
public static class KubeletRequests
{
    private static readonly Lazy<KubeletMounts> HostPaths = new(() =>
        new KubeletMounts(BenchPaths.HostDirectory("kube-api-access"), BenchPaths.HostFile("etc-hosts"), BenchPaths.HostFile("termination-log")));

    public static PodSandboxConfig Pod(string name, string podNamespace = "default", string? uid = null, string app = "web")
    {
        uid ??= Guid.NewGuid().ToString();
        return KubeletShapedRequests.Pod(name, podNamespace, uid, app, cgroupParent: $"kubepods-besteffort-pod{uid.Replace('-', '_')}.slice");
    }

    /// <summary>busybox running <c>top</c> (ends on SIGTERM, so graceful stops return at once), or the image's own command.</summary>
    public static CreateContainerRequest Container(string podId, PodSandboxConfig pod, string name, string image = "busybox", bool top = true) =>
        KubeletShapedRequests.Container(podId, pod, name, image, top, HostPaths.Value);
}
