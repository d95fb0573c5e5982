using BenchmarkDotNet.Attributes;
using FakeCri.Benchmarks.Hosting;
using FakeCri.Cri.V1;

namespace FakeCri.Benchmarks.Benchmarks;

/// <summary>
/// The five container lifecycle RPCs, FakeCri against the no-op floor, on each door. One container per
/// sandbox, as most pods have; busybox running <c>top</c>; StopContainer with kubelet's kind of grace period (10 s,
/// which <c>top</c> does not use: it ends on SIGTERM).
/// </summary>
public class ContainerRpcBenchmarks : DoorBenchmarks
{
    private CreateContainerRequest[] _create = [];
    private StartContainerRequest[] _start = [];
    private ContainerStatusRequest _status = new();
    private StopContainerRequest[] _stop = [];
    private RemoveContainerRequest[] _remove = [];

    [IterationSetup(Targets = [nameof(CreateContainer), nameof(CreateContainer_Floor)])]
    public void SetUpCreate()
    {
        Runtime.SeedImage("busybox");
        _create = [.. SeedPods(Batch).Select(p => KubeletRequests.Container(p.Id, p.Config, "app"))];
    }

    [IterationSetup(Targets = [nameof(StartContainer), nameof(StartContainer_Floor)])]
    public void SetUpStart() => _start = [.. SeedContainers(Batch, start: false).Select(id => new StartContainerRequest { ContainerId = id })];

    [IterationSetup(Targets = [nameof(ContainerStatus), nameof(ContainerStatus_Floor)])]
    public void SetUpStatus() => _status = new ContainerStatusRequest { ContainerId = SeedContainers(1, start: true)[0] };

    [IterationSetup(Targets = [nameof(StopContainer), nameof(StopContainer_Floor)])]
    public void SetUpStop() => _stop = [.. SeedContainers(Batch, start: true).Select(id => new StopContainerRequest { ContainerId = id, Timeout = 10 })];

    [IterationSetup(Targets = [nameof(RemoveContainer), nameof(RemoveContainer_Floor)])]
    public void SetUpRemove()
    {
        var ids = SeedContainers(Batch, start: true);
        foreach (var id in ids)
        {
            // Timeout 0 kills at once: the container is EXITED when the call returns.
            Runtime.StopContainerAsync(new StopContainerRequest { ContainerId = id }).GetAwaiter().GetResult();
        }

        _remove = [.. ids.Select(id => new RemoveContainerRequest { ContainerId = id })];
        Settle();
    }

    [Benchmark(Baseline = true), BenchmarkCategory("CreateContainer")]
    public Task CreateContainer_Floor() => Floor.Runtime.CreateContainerAsync(_create[Next()]).ResponseAsync;

    [Benchmark, BenchmarkCategory("CreateContainer")]
    public Task CreateContainer() => Fake.Runtime.CreateContainerAsync(_create[Next()]).ResponseAsync;

    [Benchmark(Baseline = true), BenchmarkCategory("StartContainer")]
    public Task StartContainer_Floor() => Floor.Runtime.StartContainerAsync(_start[Next()]).ResponseAsync;

    [Benchmark, BenchmarkCategory("StartContainer")]
    public Task StartContainer() => Fake.Runtime.StartContainerAsync(_start[Next()]).ResponseAsync;

    [Benchmark(Baseline = true), BenchmarkCategory("ContainerStatus")]
    public Task ContainerStatus_Floor() => Floor.Runtime.ContainerStatusAsync(_status).ResponseAsync;

    [Benchmark, BenchmarkCategory("ContainerStatus")]
    public Task ContainerStatus() => Fake.Runtime.ContainerStatusAsync(_status).ResponseAsync;

    [Benchmark(Baseline = true), BenchmarkCategory("StopContainer")]
    public Task StopContainer_Floor() => Floor.Runtime.StopContainerAsync(_stop[Next()]).ResponseAsync;

    [Benchmark, BenchmarkCategory("StopContainer")]
    public Task StopContainer() => Fake.Runtime.StopContainerAsync(_stop[Next()]).ResponseAsync;

    [Benchmark(Baseline = true), BenchmarkCategory("RemoveContainer")]
    public Task RemoveContainer_Floor() => Floor.Runtime.RemoveContainerAsync(_remove[Next()]).ResponseAsync;

    [Benchmark, BenchmarkCategory("RemoveContainer")]
    public Task RemoveContainer() => Fake.Runtime.RemoveContainerAsync(_remove[Next()]).ResponseAsync;

    private string[] SeedContainers(int count, bool start)
    {
        Runtime.SeedImage("busybox");
        return [.. SeedPods(count).Select(pod =>
        {
            var id = Runtime.CreateContainer(KubeletRequests.Container(pod.Id, pod.Config, "app")).ContainerId;
            if (start)
            {
                Runtime.StartContainer(new StartContainerRequest { ContainerId = id });
            }

            return id;
        })];
    }
}
