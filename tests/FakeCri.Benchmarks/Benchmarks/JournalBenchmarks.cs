using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using FakeCri.Benchmarks.Hosting;
using FakeCri.Cri.V1;

namespace FakeCri.Benchmarks.Benchmarks;

/// <summary>
/// What the call journal and the container events cost on the direct-invoker lifecycles. Four fakes side by side:
/// the defaults (journal of 10,000 entries, events on); <see cref="FakeCriOptions.JournalCapacity"/> 1 (still
/// records each call, keeps one: FakeCri's smallest journal); the journal interceptor left out (the true "off",
/// see <see cref="JournalVariants"/>); and that plus events suppressed — the baseline.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class JournalBenchmarks
{
    private readonly RunPodSandboxRequest _run = new() { Config = KubeletRequests.Pod("journal") };
    private readonly List<FakeCriServer> _servers = [];
    private readonly Dictionary<string, (RuntimeService.RuntimeServiceClient Client, CreateContainerRequest Create)> _variants = [];

    [GlobalSetup]
    public void StartServers()
    {
        Add("default", FakeCriOptions.Default, cri => cri.DirectCallInvoker);
        Add("capacity1", FakeCriOptions.Default with { JournalCapacity = 1 }, cri => cri.DirectCallInvoker);
        Add("noJournal", FakeCriOptions.Default, JournalVariants.WithoutJournal);
        Add("neither", FakeCriOptions.Default, JournalVariants.WithoutJournalOrEvents);
    }

    [GlobalCleanup]
    public void StopServers()
    {
        foreach (var server in _servers)
        {
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    [Benchmark(Baseline = true), BenchmarkCategory("PodLifecycle")]
    public Task Pod_NoJournalNoEvents() => LifecycleBenchmarks.PodLifecycleAsync(_variants["neither"].Client, _run);

    [Benchmark, BenchmarkCategory("PodLifecycle")]
    public Task Pod_NoJournal() => LifecycleBenchmarks.PodLifecycleAsync(_variants["noJournal"].Client, _run);

    [Benchmark, BenchmarkCategory("PodLifecycle")]
    public Task Pod_JournalCapacity1() => LifecycleBenchmarks.PodLifecycleAsync(_variants["capacity1"].Client, _run);

    [Benchmark, BenchmarkCategory("PodLifecycle")]
    public Task Pod_Default() => LifecycleBenchmarks.PodLifecycleAsync(_variants["default"].Client, _run);

    [Benchmark(Baseline = true), BenchmarkCategory("ContainerLifecycle")]
    public Task Container_NoJournalNoEvents() => Container("neither");

    [Benchmark, BenchmarkCategory("ContainerLifecycle")]
    public Task Container_NoJournal() => Container("noJournal");

    [Benchmark, BenchmarkCategory("ContainerLifecycle")]
    public Task Container_JournalCapacity1() => Container("capacity1");

    [Benchmark, BenchmarkCategory("ContainerLifecycle")]
    public Task Container_Default() => Container("default");

    private Task Container(string variant)
    {
        var (client, create) = _variants[variant];
        return LifecycleBenchmarks.ContainerLifecycleAsync(client, create);
    }

    private void Add(string name, FakeCriOptions options, Func<FakeCriServer, Grpc.Core.CallInvoker> invoker)
    {
        var cri = FakeCriServer.StartInProcessAsync(options).GetAwaiter().GetResult();
        _servers.Add(cri);
        cri.Runtime.SeedImage("busybox");
        var pod = KubeletRequests.Pod("containers");
        var podId = cri.Runtime.RunPodSandbox(new RunPodSandboxRequest { Config = pod }).PodSandboxId;
        _variants[name] = (new RuntimeService.RuntimeServiceClient(invoker(cri)), KubeletRequests.Container(podId, pod, "app"));
    }
}
