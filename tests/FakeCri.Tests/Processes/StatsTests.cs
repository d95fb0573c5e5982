using FakeCri.Cri.V1;
using FakeCri.Tests.Infrastructure;
using Grpc.Core;
using Microsoft.Extensions.Time.Testing;

namespace FakeCri.Tests.Processes;

/// <summary>Stats and metrics evolve with the runtime's clock and follow what containers do.</summary>
public sealed class StatsTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
    private FakeCriServer _cri = null!;
    private PodSandboxConfig _podConfig = null!;
    private string _pod = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default.WithTimeProvider(_clock), Cancel);
        await _cri.PullAsync("busybox", Cancel);
        _podConfig = Kubelet.PodConfig("stats");
        _pod = await _cri.RunPodAsync(_podConfig, Cancel);
    }

    public ValueTask DisposeAsync() => _cri.DisposeAsync();

    [Fact]
    public async Task ContainerStats_ClockAdvances_CpuGrowsTimestampsFollow()
    {
        var id = await StartAsync("cpu");

        var first = await StatsAsync(id);
        _clock.Advance(TimeSpan.FromSeconds(10));
        var second = await StatsAsync(id);

        Assert.True(first.Cpu.Timestamp > 0 && first.Memory.Timestamp > 0);
        Assert.True(second.Cpu.UsageCoreNanoSeconds.Value > first.Cpu.UsageCoreNanoSeconds.Value);
        Assert.Equal(10_000_000_000, second.Cpu.Timestamp - first.Cpu.Timestamp);
        Assert.True(second.Cpu.UsageNanoCores.Value > 0);
        Assert.True(second.Memory.WorkingSetBytes.Value > 0);
        Assert.Equal(id, second.Attributes.Id);
    }

    [Fact]
    public async Task ContainerStats_FilesWritten_WritableLayerAndMemoryGrow()
    {
        var id = await StartAsync("disk");
        var before = await StatsAsync(id);

        await _cri.RuntimeClient.ExecSyncAsync(
            new ExecSyncRequest { ContainerId = id, Cmd = { "sh", "-c", "printf '%s' \"$(seq 1 2000)\" > /tmp/big" } }, cancellationToken: Cancel);
        var after = await StatsAsync(id);

        Assert.True(after.WritableLayer.UsedBytes.Value > before.WritableLayer.UsedBytes.Value + 5000);
        Assert.True(after.Memory.WorkingSetBytes.Value > before.Memory.WorkingSetBytes.Value);
    }

    [Fact]
    public async Task ContainerStats_NotRunning_FailsAndListShowsOnlyAttributes()
    {
        var id = await _cri.CreateAsync(_pod, _podConfig, Kubelet.ContainerConfig("idle"), Cancel);

        await RpcAssert.FailsAsync(StatusCode.Unknown, _cri.RuntimeClient.ContainerStatsAsync(new ContainerStatsRequest { ContainerId = id }, cancellationToken: Cancel));
        var listed = (await _cri.RuntimeClient.ListContainerStatsAsync(new ListContainerStatsRequest(), cancellationToken: Cancel)).Stats.Single();

        Assert.Null(listed.Cpu);
        Assert.Null(listed.Memory);
        Assert.NotNull(listed.WritableLayer);
    }

    [Fact]
    public async Task PodSandboxStats_Ready_SumsContainersWithNetworkAndProcesses()
    {
        var id = await StartAsync("member");
        _clock.Advance(TimeSpan.FromMinutes(1));

        var stats = (await _cri.RuntimeClient.PodSandboxStatsAsync(new PodSandboxStatsRequest { PodSandboxId = _pod }, cancellationToken: Cancel)).Stats;
        var container = await StatsAsync(id);

        Assert.Equal(_pod, stats.Attributes.Id);
        Assert.True(stats.Linux.Cpu.UsageCoreNanoSeconds.Value >= container.Cpu.UsageCoreNanoSeconds.Value);
        Assert.Equal("eth0", stats.Linux.Network.DefaultInterface.Name);
        Assert.True(stats.Linux.Network.DefaultInterface.RxBytes.Value > 0);
        Assert.Equal(1UL, stats.Linux.Process.ProcessCount.Value);
        Assert.Equal([id], stats.Linux.Containers.Select(c => c.Attributes.Id));
    }

    [Fact]
    public async Task PodSandboxStats_NotReady_UnavailableAndSkippedByList()
    {
        await _cri.RuntimeClient.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = _pod }, cancellationToken: Cancel);

        await RpcAssert.FailsAsync(StatusCode.Unavailable, _cri.RuntimeClient.PodSandboxStatsAsync(new PodSandboxStatsRequest { PodSandboxId = _pod }, cancellationToken: Cancel));
        Assert.Empty((await _cri.RuntimeClient.ListPodSandboxStatsAsync(new ListPodSandboxStatsRequest(), cancellationToken: Cancel)).Stats);
    }

    [Fact]
    public async Task StreamContainerStats_SameItemsAsList()
    {
        await StartAsync("a");
        await StartAsync("b");
        var listed = (await _cri.RuntimeClient.ListContainerStatsAsync(new ListContainerStatsRequest(), cancellationToken: Cancel)).Stats;

        var streamed = new List<ContainerStats>();
        using var call = _cri.RuntimeClient.StreamContainerStats(new StreamContainerStatsRequest(), cancellationToken: Cancel);
        while (await call.ResponseStream.MoveNext(Cancel))
        {
            streamed.AddRange(call.ResponseStream.Current.ContainerStats);
        }

        Assert.Equal(listed, streamed); // the virtual clock did not move between the two
    }

    [Fact]
    public async Task Metrics_DescriptorsAndValues_UseTheDescribedNamesAndLabels()
    {
        var id = await StartAsync("metrics");
        _clock.Advance(TimeSpan.FromSeconds(30));

        var descriptors = (await _cri.RuntimeClient.ListMetricDescriptorsAsync(new ListMetricDescriptorsRequest(), cancellationToken: Cancel)).Descriptors;
        var metrics = (await _cri.RuntimeClient.ListPodSandboxMetricsAsync(new ListPodSandboxMetricsRequest(), cancellationToken: Cancel)).PodMetrics.Single();

        var names = descriptors.ToDictionary(d => d.Name);
        Assert.Contains("container_cpu_usage_seconds_total", names.Keys);
        Assert.Equal(_pod, metrics.PodSandboxId);
        var perContainer = metrics.ContainerMetrics.Single();
        Assert.Equal(id, perContainer.ContainerId);
        Assert.All(perContainer.Metrics, m =>
        {
            Assert.True(names.ContainsKey(m.Name), m.Name);
            Assert.Equal(names[m.Name].LabelKeys.Count, m.LabelValues.Count);
        });
    }

    [Fact]
    public async Task SetContainerUsage_HalfACore_CpuGrowsAtThatRateAndMemoryIsReported()
    {
        var id = await StartAsync("busy");
        _clock.Advance(TimeSpan.FromSeconds(10));
        var idle = await StatsAsync(id);

        _cri.Runtime.SetContainerUsage(id, new Behaviors.ContainerUsage(NanoCores: 500_000_000, WorkingSetBytes: 64 << 20));
        _clock.Advance(TimeSpan.FromSeconds(10));
        var busy = await StatsAsync(id);

        Assert.Equal(idle.Cpu.UsageCoreNanoSeconds.Value + 5_000_000_000, busy.Cpu.UsageCoreNanoSeconds.Value);
        Assert.Equal(500_000_000UL, busy.Cpu.UsageNanoCores.Value);
        Assert.Equal(64UL << 20, busy.Memory.WorkingSetBytes.Value);
    }

    [Fact]
    public async Task Annotations_CpuAndMemory_ScriptTheStats()
    {
        var config = Kubelet.ContainerConfig("annotated");
        config.Annotations["fakecri.io/cpu-nanocores"] = "250000000";
        config.Annotations["fakecri.io/memory-working-set-bytes"] = "1048576";
        var id = await _cri.CreateAsync(_pod, _podConfig, config, Cancel);
        await _cri.StartAsync(id, Cancel);
        _clock.Advance(TimeSpan.FromSeconds(4));

        var stats = await StatsAsync(id);

        Assert.Equal(1_000_000_000UL, stats.Cpu.UsageCoreNanoSeconds.Value);
        Assert.Equal(1_048_576UL, stats.Memory.WorkingSetBytes.Value);
    }

    [Fact]
    public async Task GetContainerEvents_TwoSubscribers_EachSeesEveryEventInOrder()
    {
        using var first = _cri.RuntimeClient.GetContainerEvents(new GetEventsRequest(), cancellationToken: Cancel);
        using var second = _cri.RuntimeClient.GetContainerEvents(new GetEventsRequest(), cancellationToken: Cancel);
        await _cri.Runtime.WhenEventSubscribersAsync(2, Cancel);

        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await _cri.CreateAsync(_pod, _podConfig, Kubelet.ContainerConfig($"e{i}"), Cancel));
        }

        foreach (var call in new[] { first, second })
        {
            var seen = new List<string>();
            while (seen.Count < ids.Count && await call.ResponseStream.MoveNext(Cancel))
            {
                if (call.ResponseStream.Current.ContainerEventType == ContainerEventType.ContainerCreatedEvent && ids.Contains(call.ResponseStream.Current.ContainerId))
                {
                    seen.Add(call.ResponseStream.Current.ContainerId);
                }
            }

            Assert.Equal(ids, seen);
        }
    }

    private async Task<string> StartAsync(string name)
    {
        var id = await _cri.CreateAsync(_pod, _podConfig, Kubelet.ContainerConfig(name), Cancel);
        await _cri.StartAsync(id, Cancel);
        return id;
    }

    private async Task<ContainerStats> StatsAsync(string id) =>
        (await _cri.RuntimeClient.ContainerStatsAsync(new ContainerStatsRequest { ContainerId = id }, cancellationToken: Cancel)).Stats;
}
