using FakeCri.Cri.V1;

namespace FakeCri.Cli.Bench;

/// <summary>
/// The requests of a run: kubelet-shaped (<see cref="KubeletShapedRequests"/>), with names unique to this run and a
/// <c>fakecri.io/bench-run</c> label, so several runs, or other clients, can share a runtime. No mounts and no
/// cgroup parent, so a real runtime needs nothing prepared on its host.
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

    public PodSandboxConfig Pod(string kind, int index) => KubeletShapedRequests.Pod(
        $"bench-{_run}-{kind}-{index}", Namespace, Guid.NewGuid().ToString(), "fakecri-bench", extraLabels: [new("fakecri.io/bench-run", _run)]);

    public CreateContainerRequest Container(string podId, PodSandboxConfig pod, int index) =>
        KubeletShapedRequests.Container(podId, pod, $"c{index}", Image);
}
