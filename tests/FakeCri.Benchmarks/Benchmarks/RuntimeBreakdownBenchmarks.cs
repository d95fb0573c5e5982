using BenchmarkDotNet.Attributes;
using FakeCri.Benchmarks.Hosting;
using FakeCri.Cri.V1;
using FakeCri.Images;
using FakeCri.Runtime;
using FakeCri.Runtime.Internal;

namespace FakeCri.Benchmarks.Benchmarks;

/// <summary>
/// Where a fake call's time goes once the door is subtracted: the lifecycle RPCs called on
/// <see cref="EmulatedRuntime"/> directly (no door, no interceptors), and the parts of the dearest ones —
/// CreateContainer's config copy and container setup (emulated file system; host mounts resolved on the real
/// file system), and RunPodSandbox's per-call sandbox image lookup.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(Batch)]
public class RuntimeBreakdownBenchmarks
{
    private const int Batch = 512;
    private readonly CatalogImage _busybox = ImageCatalog.BuiltIn.Find(ImageReference.Parse("busybox"))!;
    private EmulatedRuntime _runtime = null!;
    private RunPodSandboxRequest[] _run = [];
    private CreateContainerRequest[] _create = [];
    private StopContainerRequest[] _stop = [];
    private CreateContainerRequest _sample = new();
    private CreateContainerRequest _sampleWithoutMounts = new();
    private int _next;

    [GlobalSetup]
    public void Start()
    {
        _runtime = new EmulatedRuntime(FakeCriOptions.Default);
        var pod = KubeletRequests.Pod("sample");
        _sample = KubeletRequests.Container(new string('a', 64), pod, "app");
        _sampleWithoutMounts = _sample.Clone();
        _sampleWithoutMounts.Config.Mounts.Clear();
    }

    [IterationSetup(Targets = [nameof(RunPodSandbox)])]
    public void SetUpRun() =>
        _run = [.. Enumerable.Range(0, Batch).Select(i => new RunPodSandboxRequest { Config = KubeletRequests.Pod($"pod-{i}") })];

    [IterationSetup(Targets = [nameof(CreateContainer)])]
    public void SetUpCreate()
    {
        _runtime.SeedImage("busybox");
        _create = [.. Enumerable.Range(0, Batch).Select(i =>
        {
            var pod = KubeletRequests.Pod($"pod-{i}");
            var id = _runtime.RunPodSandbox(new RunPodSandboxRequest { Config = pod }).PodSandboxId;
            return KubeletRequests.Container(id, pod, "app");
        })];
    }

    [IterationSetup(Targets = [nameof(StopContainer)])]
    public void SetUpStop()
    {
        SetUpCreate();
        _stop = [.. _create.Select(create =>
        {
            var id = _runtime.CreateContainer(create).ContainerId;
            _runtime.StartContainer(new StartContainerRequest { ContainerId = id });
            return new StopContainerRequest { ContainerId = id, Timeout = 10 };
        })];
    }

    [IterationCleanup]
    public void Reset()
    {
        _runtime.Reset();
        _next = 0;
        SpinWait.SpinUntil(() => ThreadPool.PendingWorkItemCount == 0, TimeSpan.FromSeconds(1));
        Thread.Sleep(20);
    }

    [Benchmark]
    public RunPodSandboxResponse RunPodSandbox() => _runtime.RunPodSandbox(_run[_next++ % Batch]);

    [Benchmark]
    public CreateContainerResponse CreateContainer() => _runtime.CreateContainer(_create[_next++ % Batch]);

    [Benchmark]
    public Task<StopContainerResponse> StopContainer() => _runtime.StopContainerAsync(_stop[_next++ % Batch]);

    [Benchmark]
    public ImageReference RunPodSandbox_SandboxImageParse() => ImageReference.Parse(FakeCriOptions.Default.SandboxImage);

    [Benchmark]
    public ContainerConfig CreateContainer_ConfigClone() => _sample.Config.Clone();

    [Benchmark]
    public object CreateContainer_Setup() =>
        ContainerSetup.Create(_sample.Config, _sample.SandboxConfig, "127.88.0.2", _busybox, new LinuxContainerUser(), TimeProvider.System);

    [Benchmark]
    public object CreateContainer_SetupWithoutMounts() =>
        ContainerSetup.Create(_sampleWithoutMounts.Config, _sampleWithoutMounts.SandboxConfig, "127.88.0.2", _busybox, new LinuxContainerUser(), TimeProvider.System);
}
