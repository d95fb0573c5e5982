using FakeCri.Cri.V1;
using FakeCri.Tests.Infrastructure;

namespace FakeCri.Tests.Runtime;

/// <summary>List and Stream calls: containerd's filter rules, a stable order, and batches that match the lists.</summary>
public sealed class ListTests : IAsyncLifetime
{
    private FakeCriServer _cri = null!;
    private readonly List<string> _pods = [];
    private readonly List<string> _containers = [];

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        await _cri.PullAsync("busybox", Cancel);
        for (var p = 0; p < 3; p++)
        {
            var podConfig = Kubelet.PodConfig($"pod{p}");
            podConfig.Labels["tier"] = p == 2 ? "db" : "web";
            var pod = await _cri.RunPodAsync(podConfig, Cancel);
            _pods.Add(pod);
            for (var c = 0; c < 2; c++)
            {
                var config = Kubelet.ContainerConfig($"c{c}");
                config.Labels["tier"] = podConfig.Labels["tier"];
                config.Labels["role"] = c == 0 ? "main" : "sidecar";
                var id = await _cri.CreateAsync(pod, podConfig, config, Cancel);
                _containers.Add(id);
            }
        }

        await _cri.StartAsync(_containers[0], Cancel);
        await _cri.StartAsync(_containers[2], Cancel);
        await _cri.StopAsync(_containers[2], 0, Cancel);
        await _cri.RuntimeClient.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = _pods[1] }, cancellationToken: Cancel);
    }

    public ValueTask DisposeAsync() => _cri.DisposeAsync();

    [Fact]
    public async Task ListPodSandbox_NoFilter_AllInCreationOrder()
    {
        var items = await PodsAsync(null);

        Assert.Equal(_pods, items.Select(i => i.Id));
        Assert.All(items, i => Assert.True(i.CreatedAt > 0));
    }

    [Fact]
    public async Task ListPodSandbox_FilterByState_OnlyMatching()
    {
        var ready = await PodsAsync(new PodSandboxFilter { State = new PodSandboxStateValue { State = PodSandboxState.SandboxReady } });
        var notReady = await PodsAsync(new PodSandboxFilter { State = new PodSandboxStateValue { State = PodSandboxState.SandboxNotready } });

        Assert.Equal([_pods[0], _pods[2]], ready.Select(i => i.Id));
        Assert.Equal([_pods[1]], notReady.Select(i => i.Id));
    }

    [Theory]
    [InlineData(64)]
    [InlineData(5)]
    public async Task ListPodSandbox_FilterByIdOrPrefix_TheOneSandbox(int length)
    {
        var items = await PodsAsync(new PodSandboxFilter { Id = _pods[1][..length] });

        Assert.Equal([_pods[1]], items.Select(i => i.Id));
    }

    [Theory]
    [InlineData("0123456789")]
    [InlineData("")]
    public async Task ListPodSandbox_UnknownIdFilter_EmptyOrAll(string id)
    {
        var items = await PodsAsync(new PodSandboxFilter { Id = id });

        Assert.Equal(id.Length == 0 ? 3 : 0, items.Count);
    }

    [Fact]
    public async Task ListPodSandbox_LabelSelector_EveryPairMustMatch()
    {
        var web = await PodsAsync(new PodSandboxFilter { LabelSelector = { ["tier"] = "web" } });
        var webPod0 = await PodsAsync(new PodSandboxFilter { LabelSelector = { ["tier"] = "web", ["app"] = "pod0" } });
        var absent = await PodsAsync(new PodSandboxFilter { LabelSelector = { ["missing"] = "" } });

        Assert.Equal([_pods[0], _pods[1]], web.Select(i => i.Id));
        Assert.Equal([_pods[0]], webPod0.Select(i => i.Id));
        Assert.Empty(absent); // containerd: an empty selector value does not match an absent label
    }

    [Fact]
    public async Task ListContainers_FilterBySandboxStateAndLabels_Combined()
    {
        var inPod0 = await ContainersAsync(new ContainerFilter { PodSandboxId = _pods[0][..8] });
        var running = await ContainersAsync(new ContainerFilter { State = new ContainerStateValue { State = ContainerState.ContainerRunning } });
        var exited = await ContainersAsync(new ContainerFilter { State = new ContainerStateValue { State = ContainerState.ContainerExited } });
        var sidecars = await ContainersAsync(new ContainerFilter { LabelSelector = { ["role"] = "sidecar" } });
        var webMainInPod1 = await ContainersAsync(new ContainerFilter
        {
            PodSandboxId = _pods[1],
            LabelSelector = { ["tier"] = "web", ["role"] = "main" },
        });

        Assert.Equal([_containers[0], _containers[1]], inPod0.Select(c => c.Id));
        Assert.Equal([_containers[0]], running.Select(c => c.Id));
        Assert.Equal([_containers[2]], exited.Select(c => c.Id));
        Assert.Equal([_containers[1], _containers[3], _containers[5]], sidecars.Select(c => c.Id));
        Assert.Equal([_containers[2]], webMainInPod1.Select(c => c.Id));
    }

    [Fact]
    public async Task ListContainers_IdFilterWithWrongSandbox_Empty()
    {
        var items = await ContainersAsync(new ContainerFilter { Id = _containers[0], PodSandboxId = _pods[2] });

        Assert.Empty(items);
    }

    [Fact]
    public async Task StreamPodSandboxesAndContainers_SameItemsAsList()
    {
        var listedPods = await PodsAsync(null);
        var listedContainers = await ContainersAsync(null);

        var streamedPods = new List<PodSandbox>();
        using (var call = _cri.RuntimeClient.StreamPodSandboxes(new StreamPodSandboxesRequest(), cancellationToken: Cancel))
        {
            while (await call.ResponseStream.MoveNext(Cancel))
            {
                Assert.NotEmpty(call.ResponseStream.Current.PodSandboxes);
                streamedPods.AddRange(call.ResponseStream.Current.PodSandboxes);
            }
        }

        var streamedContainers = new List<Container>();
        using (var call = _cri.RuntimeClient.StreamContainers(
            new StreamContainersRequest { Filter = new ContainerFilter() }, cancellationToken: Cancel))
        {
            while (await call.ResponseStream.MoveNext(Cancel))
            {
                streamedContainers.AddRange(call.ResponseStream.Current.Containers);
            }
        }

        Assert.Equal(listedPods, streamedPods);
        Assert.Equal(listedContainers, streamedContainers);
    }

    [Fact]
    public async Task StreamContainers_NoMatch_SendsNoMessageAtAll()
    {
        using var call = _cri.RuntimeClient.StreamContainers(
            new StreamContainersRequest { Filter = new ContainerFilter { Id = "ffffffffffff" } }, cancellationToken: Cancel);

        Assert.False(await call.ResponseStream.MoveNext(Cancel));
    }

    private async Task<List<PodSandbox>> PodsAsync(PodSandboxFilter? filter) =>
        [.. (await _cri.RuntimeClient.ListPodSandboxAsync(new ListPodSandboxRequest { Filter = filter }, cancellationToken: Cancel)).Items];

    private async Task<List<Container>> ContainersAsync(ContainerFilter? filter) =>
        [.. (await _cri.RuntimeClient.ListContainersAsync(new ListContainersRequest { Filter = filter }, cancellationToken: Cancel)).Containers];
}
