using FakeCri.Cri.V1;
using FakeCri.Runtime;
using FakeCri.Tests.Infrastructure;
using Grpc.Core;

namespace FakeCri.Tests.Runtime;

/// <summary>
/// Many clients at once over overlapping pods: no torn state, no deadlock, and afterwards no orphan
/// container, leaked name or leaked IP.
/// </summary>
public sealed class ConcurrencyTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ParallelClients_OverlappingPods_EndConsistent()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(
            FakeCriOptions.Default with { PodCidr = "127.77.0.0/24" }, Cancel); // 253 addresses: leaks would exhaust it
        await cri.PullAsync("busybox", Cancel);
        const int Pods = 6;
        const int Workers = 8;
        const int Rounds = 40;
        var podConfigs = Enumerable.Range(0, Pods).Select(i => Kubelet.PodConfig($"shared{i}")).ToArray();
        var podIds = new string[Pods];
        for (var i = 0; i < Pods; i++)
        {
            podIds[i] = await cri.RunPodAsync(podConfigs[i], Cancel);
        }

        var failures = new List<string>();
        var workers = Enumerable.Range(0, Workers).Select(worker => Task.Run(async () =>
        {
            var random = new Random(worker);
            for (var round = 0; round < Rounds; round++)
            {
                var p = random.Next(Pods);
                string? id = null;
                try
                {
                    id = await cri.CreateAsync(podIds[p], podConfigs[p], Kubelet.ContainerConfig($"w{worker}", attempt: (uint)round), Cancel);
                    await cri.StartAsync(id, Cancel);
                    _ = await cri.StatusAsync(id, Cancel);
                    _ = await cri.RuntimeClient.ListContainersAsync(new ListContainersRequest { Filter = new ContainerFilter { PodSandboxId = podIds[p] } }, cancellationToken: Cancel);
                    if (random.Next(2) == 0)
                    {
                        await cri.StopAsync(id, random.Next(2), Cancel);
                    }

                    await cri.RuntimeClient.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = id }, cancellationToken: Cancel);

                    // Throwaway pods with their own IPs, created and removed in parallel with everything else.
                    var own = Kubelet.PodConfig($"own{worker}", attempt: (uint)round);
                    var ownId = await cri.RunPodAsync(own, Cancel);
                    await cri.RuntimeClient.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = ownId }, cancellationToken: Cancel);
                    await cri.RuntimeClient.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = ownId }, cancellationToken: Cancel);
                }
                catch (RpcException error) when (error.StatusCode is StatusCode.Unknown or StatusCode.NotFound)
                {
                    // A pod stopped by another client refuses new containers and fails their start (StartError);
                    // that is the contract, not a failure. Clean up like kubelet would.
                    lock (failures)
                    {
                        if (!error.Status.Detail.Contains("is not running", StringComparison.Ordinal))
                        {
                            failures.Add(error.Status.Detail);
                        }
                    }

                    if (id is not null)
                    {
                        await cri.RuntimeClient.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = id }, cancellationToken: Cancel);
                    }
                }
            }
        }, Cancel)).ToList();

        // Meanwhile another client keeps stopping and re-running one shared pod.
        workers.Add(Task.Run(async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                await cri.RuntimeClient.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = podIds[0] }, cancellationToken: Cancel);
                _ = await cri.RuntimeClient.ListPodSandboxAsync(new ListPodSandboxRequest(), cancellationToken: Cancel);
            }
        }, Cancel));

        await Task.WhenAll(workers);

        Assert.Empty(failures);
        var containers = (await cri.RuntimeClient.ListContainersAsync(new ListContainersRequest(), cancellationToken: Cancel)).Containers;
        Assert.Empty(containers); // every created container was removed: no orphans
        var pods = (await cri.RuntimeClient.ListPodSandboxAsync(new ListPodSandboxRequest(), cancellationToken: Cancel)).Items;
        Assert.Equal(podIds.Order(), pods.Select(p => p.Id).Order());

        // No leaked names: every worker name and every throwaway pod name is free again.
        for (var worker = 0; worker < Workers; worker++)
        {
            await cri.CreateAsync(podIds[1], podConfigs[1], Kubelet.ContainerConfig($"w{worker}"), Cancel);
            await cri.RunPodAsync(Kubelet.PodConfig($"own{worker}"), Cancel);
        }

        // No leaked IPs: the /24 holds 253 pod addresses; 5 shared READY pods + 8 new ones leave room for the rest.
        var ips = new List<string>();
        for (var i = 0; i < 253 - 5 - Workers; i++)
        {
            var id = await cri.RunPodAsync(Kubelet.PodConfig($"fill{i}"), Cancel);
            ips.Add((await cri.PodStatusAsync(id, Cancel)).Network.Ip);
        }

        Assert.Equal(ips.Count, ips.Distinct().Count());
    }

    [Fact]
    public async Task CreateContainer_RacingRemovePodSandbox_LeavesNoOrphanOrReservedName()
    {
        // CreateContainer builds the container outside the runtime lock; a sandbox removed meanwhile must fail the
        // create (as a create arriving after the removal) and free its name, not leave a container without a pod.
        var runtime = new EmulatedRuntime(FakeCriOptions.Default);
        runtime.SeedImage("busybox");
        for (var round = 0; round < 100; round++)
        {
            var podConfig = Kubelet.PodConfig($"race{round}");
            var pod = runtime.RunPodSandbox(new RunPodSandboxRequest { Config = podConfig }).PodSandboxId;
            // Own threads (not pool work items queued behind each other), so that the two calls really overlap.
            var create = Task.Factory.StartNew(
                () =>
                {
                    try
                    {
                        // Creates until refused, so that the removal lands inside some create's unlocked setup.
                        for (var i = 0; i < 50; i++)
                        {
                            runtime.CreateContainer(new CreateContainerRequest { PodSandboxId = pod, Config = Kubelet.ContainerConfig($"app{i}"), SandboxConfig = podConfig });
                        }
                    }
                    catch (CriException error) when (error.Code is StatusCode.NotFound || error.Message.Contains("is not running", StringComparison.Ordinal))
                    {
                        // Refused: the sandbox was stopped or removed first.
                    }
                },
                Cancel,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default);
            var remove = Task.Factory.StartNew(
                () =>
                {
                    runtime.StopPodSandbox(new StopPodSandboxRequest { PodSandboxId = pod });
                    runtime.RemovePodSandbox(new RemovePodSandboxRequest { PodSandboxId = pod });
                },
                Cancel,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default);
            await Task.WhenAll(create, remove);
        }

        var snapshot = runtime.Snapshot();
        Assert.Empty(snapshot.Containers);
        Assert.Empty(snapshot.Sandboxes);
        Assert.Empty(snapshot.ReservedNames);
    }
}
