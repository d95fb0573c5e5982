using BenchmarkDotNet.Attributes;
using FakeCri.Benchmarks.Hosting;
using FakeCri.Cri.V1;

namespace FakeCri.Benchmarks.Benchmarks;

/// <summary>
/// List filtering at scale, on the runtime (in-process, no door): <see cref="Pods"/> kubelet-like sandboxes in 10
/// namespaces with 10 running containers each. The 10,000-sandbox / 100,000-container figures are the
/// <c>scale</c> measurement's (see docs/performance.md).
/// </summary>
[MemoryDiagnoser]
public class ListFilterBenchmarks
{
    private FakeCriServer _cri = null!;
    private ListContainersRequest _byPod = new();
    private ListContainersRequest _byPodLabel = new();
    private ListContainersRequest _byNamespaceLabel = new();
    private readonly ListContainersRequest _running = new() { Filter = new ContainerFilter { State = new ContainerStateValue { State = ContainerState.ContainerRunning } } };
    private ListPodSandboxRequest _podsByLabel = new();
    private RuntimeService.RuntimeServiceClient _direct = null!;

    [Params(1000)]
    public int Pods { get; set; }

    [GlobalSetup]
    public void Fill()
    {
        _cri = FakeCriServer.StartInProcessAsync().GetAwaiter().GetResult();
        _direct = new RuntimeService.RuntimeServiceClient(_cri.DirectCallInvoker);
        var runtime = _cri.Runtime;
        runtime.SeedImage("busybox");
        string middlePod = string.Empty;
        string middleUid = string.Empty;
        for (var p = 0; p < Pods; p++)
        {
            var pod = KubeletRequests.Pod($"pod-{p}", $"ns-{p % 10}");
            var podId = runtime.RunPodSandbox(new RunPodSandboxRequest { Config = pod }).PodSandboxId;
            for (var c = 0; c < 10; c++)
            {
                var id = runtime.CreateContainer(KubeletRequests.Container(podId, pod, $"c{c}")).ContainerId;
                runtime.StartContainer(new StartContainerRequest { ContainerId = id });
            }

            if (p == Pods / 2)
            {
                (middlePod, middleUid) = (podId, pod.Metadata.Uid);
            }
        }

        _byPod = new ListContainersRequest { Filter = new ContainerFilter { PodSandboxId = middlePod } };
        _byPodLabel = new ListContainersRequest { Filter = new ContainerFilter { LabelSelector = { ["io.kubernetes.pod.uid"] = middleUid } } };
        _byNamespaceLabel = new ListContainersRequest { Filter = new ContainerFilter { LabelSelector = { ["io.kubernetes.pod.namespace"] = "ns-3" } } };
        _podsByLabel = new ListPodSandboxRequest { Filter = new PodSandboxFilter { LabelSelector = { ["io.kubernetes.pod.uid"] = middleUid } } };
    }

    [GlobalCleanup]
    public void Stop() => _cri.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark]
    public int ListContainers_ByPodSandboxId() => _cri.Runtime.ListContainers(_byPod).Containers.Count;

    [Benchmark]
    public async Task<int> ListContainers_ByPodSandboxId_Direct() => (await _direct.ListContainersAsync(_byPod)).Containers.Count;

    [Benchmark]
    public int ListContainers_ByLabel_OnePod() => _cri.Runtime.ListContainers(_byPodLabel).Containers.Count;

    [Benchmark]
    public int ListContainers_ByLabel_TenthOfAll() => _cri.Runtime.ListContainers(_byNamespaceLabel).Containers.Count;

    [Benchmark]
    public int ListContainers_Running_All() => _cri.Runtime.ListContainers(_running).Containers.Count;

    [Benchmark]
    public int ListPodSandbox_ByLabel_One() => _cri.Runtime.ListPodSandbox(_podsByLabel).Items.Count;
}
