using System.Collections.Concurrent;
using System.Diagnostics;
using FakeCri.Cri.V1;
using Grpc.Core;

namespace FakeCri.Cli.Bench;

/// <summary>
/// Drives the lifecycles: pulls the image, warms up, then runs the pod phase and the container phase, each with
/// <see cref="BenchSettings.Parallel"/> clients taking lifecycles from a shared counter. Every sandbox it creates
/// is removed again, also when a call fails or the run is interrupted.
/// </summary>
internal sealed class BenchRunner
{
    private readonly IReadOnlyList<RuntimeService.RuntimeServiceClient> _clients;
    private readonly ImageService.ImageServiceClient _images;
    private readonly BenchSettings _settings;
    private readonly BenchWorkload _workload;
    private readonly ConcurrentDictionary<string, byte> _livePods = new(StringComparer.Ordinal);

    /// <summary>One RuntimeService client per parallel client (they may share a channel or invoker).</summary>
    public BenchRunner(IReadOnlyList<RuntimeService.RuntimeServiceClient> clients, ImageService.ImageServiceClient images, BenchSettings settings)
    {
        _clients = clients;
        _images = images;
        _settings = settings;
        _workload = new BenchWorkload(settings.Image, settings.StopTimeout);
    }

    public async Task<BenchResult> RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Console.Error.WriteLineAsync($"bench: pulling {_settings.Image}").ConfigureAwait(false);
            await _images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = _settings.Image } }, cancellationToken: cancellationToken).ConfigureAwait(false);

            if (_settings.Warmup > 0)
            {
                await PodPhaseAsync("warm-up pod lifecycles", _settings.Warmup, record: false, cancellationToken).ConfigureAwait(false);
                await ContainerPhaseAsync("warm-up container lifecycles", _settings.Warmup, record: false, cancellationToken).ConfigureAwait(false);
            }

            var pods = await PodPhaseAsync("pod lifecycles", _settings.Pods, record: true, cancellationToken).ConfigureAwait(false);
            var containers = await ContainerPhaseAsync("container lifecycles", _settings.Containers, record: true, cancellationToken).ConfigureAwait(false);
            var logs = pods.Logs.Concat(containers.Logs).ToArray();
            var operations = Enum.GetValues<BenchOperation>()
                .Select(operation => OperationStats.From(operation, logs))
                .OfType<OperationStats>()
                .ToArray();
            return new BenchResult(_settings, operations, pods.Seconds, containers.Seconds);
        }
        finally
        {
            await RemoveLeftoversAsync().ConfigureAwait(false);
        }
    }

    private Task<Phase> PodPhaseAsync(string name, int count, bool record, CancellationToken cancellationToken) =>
        RunPhaseAsync(name, count, (client, index, log, token) => PodLifecycleAsync(client, index, record, log, token), cancellationToken);

    private async Task<Phase> ContainerPhaseAsync(string name, int count, bool record, CancellationToken cancellationToken)
    {
        if (count == 0)
        {
            return new Phase([], 0);
        }

        // Each client runs its containers in a sandbox of its own, made before the clock starts and removed after.
        var sandboxes = new (string Id, PodSandboxConfig Config)[_clients.Count];
        for (var client = 0; client < _clients.Count; client++)
        {
            var config = _workload.Pod(record ? "containers" : "warm-up-containers", client);
            var id = (await _clients[client].RunPodSandboxAsync(new RunPodSandboxRequest { Config = config }, cancellationToken: cancellationToken).ConfigureAwait(false)).PodSandboxId;
            _livePods.TryAdd(id, 0);
            sandboxes[client] = (id, config);
        }

        var phase = await RunPhaseAsync(
            name,
            count,
            (client, index, log, token) => ContainerLifecycleAsync(client, sandboxes[client], index, log, token),
            cancellationToken).ConfigureAwait(false);

        foreach (var (id, _) in sandboxes)
        {
            await RemovePodAsync(id, cancellationToken).ConfigureAwait(false);
        }

        return record ? phase : new Phase([], 0);
    }

    /// <summary>Runs <paramref name="count"/> lifecycles on every client at once; the first failure stops them all.</summary>
    private async Task<Phase> RunPhaseAsync(string name, int count, Func<int, int, LatencyLog, CancellationToken, Task> lifecycle, CancellationToken cancellationToken)
    {
        if (count == 0)
        {
            return new Phase([], 0);
        }

        var logs = _clients.Select(_ => new LatencyLog()).ToArray();
        var next = -1;
        var done = 0;
        Exception? firstFailure = null;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watch = Stopwatch.StartNew();
        await using (new BenchProgress(name, count, () => Volatile.Read(ref done)))
        {
            var workers = Enumerable.Range(0, _clients.Count).Select(client => Task.Run(
                async () =>
                {
                    try
                    {
                        int index;
                        while ((index = Interlocked.Increment(ref next)) < count)
                        {
                            await lifecycle(client, index, logs[client], stop.Token).ConfigureAwait(false);
                            Interlocked.Increment(ref done);
                        }
                    }
                    catch (Exception failure)
                    {
                        // The cause is the first failure; the others are mostly the cancellation it triggers.
                        Interlocked.CompareExchange(ref firstFailure, failure, null);
                        await stop.CancelAsync().ConfigureAwait(false);
                        throw;
                    }
                },
                CancellationToken.None)).ToArray();
            try
            {
                await Task.WhenAll(workers).ConfigureAwait(false);
            }
            catch (Exception) when (firstFailure is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(firstFailure);
            }
        }

        return new Phase(logs, watch.Elapsed.TotalSeconds);
    }

    private async Task PodLifecycleAsync(int client, int index, bool record, LatencyLog log, CancellationToken cancellationToken)
    {
        var runtime = _clients[client];
        var config = _workload.Pod(record ? "pod" : "warm-up-pod", index);
        var start = Stopwatch.GetTimestamp();
        var id = (await runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = config }, cancellationToken: cancellationToken).ConfigureAwait(false)).PodSandboxId;
        var lap = Lap(log, BenchOperation.RunPodSandbox, start);
        _livePods.TryAdd(id, 0);
        await runtime.PodSandboxStatusAsync(new PodSandboxStatusRequest { PodSandboxId = id }, cancellationToken: cancellationToken).ConfigureAwait(false);
        lap = Lap(log, BenchOperation.PodSandboxStatus, lap);
        await runtime.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = id }, cancellationToken: cancellationToken).ConfigureAwait(false);
        lap = Lap(log, BenchOperation.StopPodSandbox, lap);
        await runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = id }, cancellationToken: cancellationToken).ConfigureAwait(false);
        var end = Lap(log, BenchOperation.RemovePodSandbox, lap);
        _livePods.TryRemove(id, out _);
        log.Record(BenchOperation.PodLifecycle, end - start);
    }

    private async Task ContainerLifecycleAsync(int client, (string Id, PodSandboxConfig Config) sandbox, int index, LatencyLog log, CancellationToken cancellationToken)
    {
        var runtime = _clients[client];
        var request = _workload.Container(sandbox.Id, sandbox.Config, index);
        var start = Stopwatch.GetTimestamp();
        var id = (await runtime.CreateContainerAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false)).ContainerId;
        var lap = Lap(log, BenchOperation.CreateContainer, start);
        await runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id }, cancellationToken: cancellationToken).ConfigureAwait(false);
        lap = Lap(log, BenchOperation.StartContainer, lap);
        await runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = id }, cancellationToken: cancellationToken).ConfigureAwait(false);
        lap = Lap(log, BenchOperation.ContainerStatus, lap);
        await runtime.StopContainerAsync(new StopContainerRequest { ContainerId = id, Timeout = _workload.StopTimeout }, cancellationToken: cancellationToken).ConfigureAwait(false);
        lap = Lap(log, BenchOperation.StopContainer, lap);
        await runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = id }, cancellationToken: cancellationToken).ConfigureAwait(false);
        var end = Lap(log, BenchOperation.RemoveContainer, lap);
        log.Record(BenchOperation.ContainerLifecycle, end - start);
    }

    private static long Lap(LatencyLog log, BenchOperation operation, long since)
    {
        var now = Stopwatch.GetTimestamp();
        log.Record(operation, now - since);
        return now;
    }

    private async Task RemovePodAsync(string id, CancellationToken cancellationToken)
    {
        var runtime = _clients[0];
        await runtime.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = id }, cancellationToken: cancellationToken).ConfigureAwait(false);
        await runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = id }, cancellationToken: cancellationToken).ConfigureAwait(false);
        _livePods.TryRemove(id, out _);
    }

    /// <summary>Best effort after a failure or an interrupt: the runtime is left as the run found it.</summary>
    private async Task RemoveLeftoversAsync()
    {
        foreach (var id in _livePods.Keys)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await RemovePodAsync(id, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is RpcException or OperationCanceledException)
            {
                await Console.Error.WriteLineAsync($"bench: could not remove sandbox {id}: {exception.Message}").ConfigureAwait(false);
            }
        }
    }

    private sealed record Phase(IReadOnlyList<LatencyLog> Logs, double Seconds);
}
