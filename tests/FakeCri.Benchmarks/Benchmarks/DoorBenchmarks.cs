using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using FakeCri.Benchmarks.Hosting;
using FakeCri.Cri.V1;

namespace FakeCri.Benchmarks.Benchmarks;

/// <summary>
/// Per-RPC benchmarks over each door: FakeCri and the no-op floor on the same door, side by side, so BDN's Ratio
/// column is fake ÷ floor per RPC and door. A lifecycle RPC needs state (Stop needs a running sandbox, Remove a
/// stopped one), so each iteration is a fixed batch of <see cref="Batch"/> calls on objects set up before it
/// (outside the measurement, straight on the runtime), and the runtime is reset after it.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
[InvocationCount(Batch)]
public abstract class DoorBenchmarks
{
    /// <summary>Calls per iteration: enough to time (≥ 5 ms on the fastest door), few enough to keep state small.</summary>
    public const int Batch = 512;

    [Params(Door.Direct, Door.TestHost, Door.UnixSocket)]
    public Door Door { get; set; }

    protected CriTarget Fake { get; private set; } = null!;

    protected CriTarget Floor { get; private set; } = null!;

    protected Runtime.EmulatedRuntime Runtime => Fake.Fake!.Runtime;

    /// <summary>The next object of the batch; wraps around should BDN invoke more often than planned.</summary>
    protected int Next() => _next++ % Batch;

    private int _next;

    [GlobalSetup]
    public void StartServers()
    {
        Fake = CriTarget.StartFakeAsync(Door).GetAwaiter().GetResult();
        Floor = CriTarget.StartFloorAsync(Door, CannedResponses.Instance).GetAwaiter().GetResult();
        // Warm both paths' connections and JIT before the first measured batch.
        Fake.Runtime.Version(new VersionRequest());
        Floor.Runtime.Version(new VersionRequest());
    }

    [GlobalCleanup]
    public void StopServers()
    {
        Fake.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Floor.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [IterationCleanup]
    public void ResetRuntime()
    {
        Runtime.Reset();
        _next = 0;
        Settle();
    }

    /// <summary>
    /// Lets the work a setup or reset started in the background finish before the next measurement: a killed
    /// container's process unwinds on the thread pool after the call that killed it has returned.
    /// </summary>
    protected static void Settle()
    {
        SpinWait.SpinUntil(() => ThreadPool.PendingWorkItemCount == 0, TimeSpan.FromSeconds(1));
        Thread.Sleep(20);
    }

    /// <summary>Kubelet-like sandboxes made straight on the runtime: READY, or NOTREADY when <paramref name="stopped"/>.</summary>
    protected (string Id, PodSandboxConfig Config)[] SeedPods(int count, bool stopped = false)
    {
        var pods = new (string, PodSandboxConfig)[count];
        for (var i = 0; i < count; i++)
        {
            var config = KubeletRequests.Pod($"pod-{i}");
            var id = Runtime.RunPodSandbox(new RunPodSandboxRequest { Config = config }).PodSandboxId;
            if (stopped)
            {
                Runtime.StopPodSandbox(new StopPodSandboxRequest { PodSandboxId = id });
            }

            pods[i] = (id, config);
        }

        return pods;
    }
}
