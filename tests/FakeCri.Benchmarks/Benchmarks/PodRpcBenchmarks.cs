using BenchmarkDotNet.Attributes;
using FakeCri.Benchmarks.Hosting;
using FakeCri.Cri.V1;

namespace FakeCri.Benchmarks.Benchmarks;

/// <summary>The four pod lifecycle RPCs, FakeCri against the no-op floor, on each door.</summary>
public class PodRpcBenchmarks : DoorBenchmarks
{
    private RunPodSandboxRequest[] _run = [];
    private PodSandboxStatusRequest _status = new();
    private StopPodSandboxRequest[] _stop = [];
    private RemovePodSandboxRequest[] _remove = [];

    [IterationSetup(Targets = [nameof(RunPodSandbox), nameof(RunPodSandbox_Floor)])]
    public void SetUpRun() =>
        _run = [.. Enumerable.Range(0, Batch).Select(i => new RunPodSandboxRequest { Config = KubeletRequests.Pod($"pod-{i}") })];

    [IterationSetup(Targets = [nameof(PodSandboxStatus), nameof(PodSandboxStatus_Floor)])]
    public void SetUpStatus() => _status = new PodSandboxStatusRequest { PodSandboxId = SeedPods(1)[0].Id };

    [IterationSetup(Targets = [nameof(StopPodSandbox), nameof(StopPodSandbox_Floor)])]
    public void SetUpStop() => _stop = [.. SeedPods(Batch).Select(p => new StopPodSandboxRequest { PodSandboxId = p.Id })];

    [IterationSetup(Targets = [nameof(RemovePodSandbox), nameof(RemovePodSandbox_Floor)])]
    public void SetUpRemove() => _remove = [.. SeedPods(Batch, stopped: true).Select(p => new RemovePodSandboxRequest { PodSandboxId = p.Id })];

    [Benchmark(Baseline = true), BenchmarkCategory("RunPodSandbox")]
    public Task RunPodSandbox_Floor() => Floor.Runtime.RunPodSandboxAsync(_run[Next()]).ResponseAsync;

    [Benchmark, BenchmarkCategory("RunPodSandbox")]
    public Task RunPodSandbox() => Fake.Runtime.RunPodSandboxAsync(_run[Next()]).ResponseAsync;

    [Benchmark(Baseline = true), BenchmarkCategory("PodSandboxStatus")]
    public Task PodSandboxStatus_Floor() => Floor.Runtime.PodSandboxStatusAsync(_status).ResponseAsync;

    [Benchmark, BenchmarkCategory("PodSandboxStatus")]
    public Task PodSandboxStatus() => Fake.Runtime.PodSandboxStatusAsync(_status).ResponseAsync;

    [Benchmark(Baseline = true), BenchmarkCategory("StopPodSandbox")]
    public Task StopPodSandbox_Floor() => Floor.Runtime.StopPodSandboxAsync(_stop[Next()]).ResponseAsync;

    [Benchmark, BenchmarkCategory("StopPodSandbox")]
    public Task StopPodSandbox() => Fake.Runtime.StopPodSandboxAsync(_stop[Next()]).ResponseAsync;

    [Benchmark(Baseline = true), BenchmarkCategory("RemovePodSandbox")]
    public Task RemovePodSandbox_Floor() => Floor.Runtime.RemovePodSandboxAsync(_remove[Next()]).ResponseAsync;

    [Benchmark, BenchmarkCategory("RemovePodSandbox")]
    public Task RemovePodSandbox() => Fake.Runtime.RemovePodSandboxAsync(_remove[Next()]).ResponseAsync;
}
