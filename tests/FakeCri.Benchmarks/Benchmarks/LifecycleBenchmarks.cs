using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using FakeCri.Benchmarks.Hosting;
using FakeCri.Cri.V1;

namespace FakeCri.Benchmarks.Benchmarks;

/// <summary>
/// Whole lifecycles as kubelet drives them, FakeCri against the no-op floor on each door: a pod (Run, Status,
/// Stop, Remove) and a container in a standing sandbox (Create, Start, Status, Stop, Remove). Names are reused:
/// each lifecycle frees its name, so the runtime's state stays the same size however often BDN calls.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class LifecycleBenchmarks
{
    private readonly RunPodSandboxRequest _run = new() { Config = KubeletRequests.Pod("lifecycle") };
    private CriTarget _fake = null!;
    private CriTarget _floor = null!;
    private CreateContainerRequest _create = new();

    [Params(Door.Direct, Door.TestHost, Door.UnixSocket)]
    public Door Door { get; set; }

    [GlobalSetup]
    public void StartServers()
    {
        _fake = CriTarget.StartFakeAsync(Door).GetAwaiter().GetResult();
        _floor = CriTarget.StartFloorAsync(Door, CannedResponses.Instance).GetAwaiter().GetResult();
        var runtime = _fake.Fake!.Runtime;
        runtime.SeedImage("busybox");
        var pod = KubeletRequests.Pod("containers");
        var podId = runtime.RunPodSandbox(new RunPodSandboxRequest { Config = pod }).PodSandboxId;
        _create = KubeletRequests.Container(podId, pod, "app");
    }

    [GlobalCleanup]
    public void StopServers()
    {
        _fake.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _floor.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true), BenchmarkCategory("PodLifecycle")]
    public Task PodLifecycle_Floor() => PodLifecycleAsync(_floor.Runtime, _run);

    [Benchmark, BenchmarkCategory("PodLifecycle")]
    public Task PodLifecycle() => PodLifecycleAsync(_fake.Runtime, _run);

    [Benchmark(Baseline = true), BenchmarkCategory("ContainerLifecycle")]
    public Task ContainerLifecycle_Floor() => ContainerLifecycleAsync(_floor.Runtime, _create);

    [Benchmark, BenchmarkCategory("ContainerLifecycle")]
    public Task ContainerLifecycle() => ContainerLifecycleAsync(_fake.Runtime, _create);

    /// <summary>Run, Status, Stop, Remove: kubelet's calls for one pod without containers.</summary>
    public static async Task PodLifecycleAsync(RuntimeService.RuntimeServiceClient runtime, RunPodSandboxRequest run)
    {
        var id = (await runtime.RunPodSandboxAsync(run)).PodSandboxId;
        await runtime.PodSandboxStatusAsync(new PodSandboxStatusRequest { PodSandboxId = id });
        await runtime.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = id });
        await runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = id });
    }

    /// <summary>Create, Start, Status, Stop (10 s grace, unused by <c>top</c>), Remove.</summary>
    public static async Task ContainerLifecycleAsync(RuntimeService.RuntimeServiceClient runtime, CreateContainerRequest create)
    {
        var id = (await runtime.CreateContainerAsync(create)).ContainerId;
        await runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id });
        await runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = id });
        await runtime.StopContainerAsync(new StopContainerRequest { ContainerId = id, Timeout = 10 });
        await runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = id });
    }
}
