using FakeCri.Cri.V1;
using Grpc.Core;

namespace MiniKubelet;

/// <summary>
/// Runs one pod on a CRI runtime the way kubelet's pod worker does, cut down to its core: pull the images (with
/// back-off), run the sandbox, run the init containers in order, start the app containers, then keep them going
/// (restart policy with CrashLoopBackOff, readiness and liveness probes) until <see cref="TerminateAsync"/> stops
/// them gracefully and removes the sandbox.
/// </summary>
/// <remarks>
/// It talks to the runtime only through the CRI clients, so anything that serves CRI can drive it, and every wait
/// is on the <see cref="TimeProvider"/> it is given, so on a virtual clock minutes of back-off take no real time.
/// Each step lives in its own file: images, sandbox, containers, init containers, sync loop, probes, teardown.
/// </remarks>
public sealed partial class PodWorker
{
    private readonly RuntimeService.RuntimeServiceClient _runtime;
    private readonly ImageService.ImageServiceClient _images;
    private readonly TimeProvider _time;
    private readonly StatusFeed _status;
    private readonly CancellationTokenSource _terminating = new();
    private PodSpec? _pod;
    private ContainerRecord[] _initContainers = [];
    private ContainerRecord[] _containers = [];
    private PodPhase _phase = PodPhase.Pending;
    private Task _run = Task.CompletedTask;

    /// <summary>Creates a worker that will run one pod.</summary>
    /// <param name="runtime">A client of the runtime's CRI RuntimeService.</param>
    /// <param name="images">A client of the runtime's CRI ImageService.</param>
    /// <param name="timeProvider">The clock for every wait: back-offs, syncs, probe periods.</param>
    /// <param name="options">Timings; <see cref="PodWorkerOptions.Default"/> when null.</param>
    public PodWorker(
        RuntimeService.RuntimeServiceClient runtime,
        ImageService.ImageServiceClient images,
        TimeProvider timeProvider,
        PodWorkerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _runtime = runtime;
        _images = images;
        _time = timeProvider;
        Options = options ?? PodWorkerOptions.Default;

        _status = new StatusFeed(new PodStatusSnapshot(PodPhase.Pending, [], [], DateTimeOffset.MinValue, null));
    }

    /// <summary>The worker's timings.</summary>
    public PodWorkerOptions Options { get; }

    /// <summary>The latest status the worker published.</summary>
    public PodStatusSnapshot Status => _status.Latest;

    private PodSpec Pod => _pod ?? throw new InvalidOperationException("the worker has no pod: call RunAsync first");

    private IEnumerable<ContainerRecord> AllContainers => _initContainers.Concat(_containers);

    /// <summary>
    /// Completes with the first published status that satisfies <paramref name="condition"/> (the current one, if
    /// it does). Each status is published when the worker goes to sleep with its next wake-up already on the
    /// clock, so once this completes a test may advance a virtual clock without racing the worker. If the worker
    /// stops with an error first, the task fails with that error instead of waiting forever.
    /// </summary>
    public Task<PodStatusSnapshot> WhenAsync(Func<PodStatusSnapshot, bool> condition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return _status.WhenAsync(condition, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="pod"/>. Completes when the pod is Succeeded or Failed for good (every container has
    /// exited and none will restart), or when <see cref="TerminateAsync"/> stops it. Follow its progress with
    /// <see cref="Status"/> and <see cref="WhenAsync"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The worker already ran a pod: one worker, one pod, one run.</exception>
    /// <exception cref="RpcException">A CRI call failed in a way the worker does not handle (RunPodSandbox, CreateContainer).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task RunAsync(PodSpec pod, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pod);
        if (_pod is not null)
        {
            throw new InvalidOperationException($"this worker already runs pod {_pod.Namespace}/{_pod.Name}");
        }

        _pod = pod;
        var appContainersWaitFor = pod.InitContainers.Count > 0 ? Waiting.PodInitializing : Waiting.ContainerCreating;
        _initContainers = [.. pod.InitContainers.Select(c => new ContainerRecord(c, new Waiting(Waiting.PodInitializing)))];
        _containers = [.. pod.Containers.Select(c => new ContainerRecord(c, new Waiting(appContainersWaitFor)))];

        // The pod's containers, all waiting, before any work: not an observation yet (no ObservedAt), so nobody
        // mistakes it for the worker going to sleep.
        _status.Publish(Snapshot(observedAt: DateTimeOffset.MinValue, nextSyncAt: null));
        _run = RunPodAsync(cancellationToken);
        return _run;
    }

    private async Task RunPodAsync(CancellationToken cancellationToken)
    {
        // TerminateAsync and the caller's token both stop every step, a CRI call in flight included.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _terminating.Token);
        var ct = stop.Token;
        try
        {
            await PullImagesAsync(ct).ConfigureAwait(false);
            await RunSandboxAsync(ct).ConfigureAwait(false);
            if (await RunInitContainersAsync(ct).ConfigureAwait(false))
            {
                await StartContainersAsync(ct).ConfigureAwait(false);
                await SyncLoopAsync(ct).ConfigureAwait(false);
            }

            // Succeeded or Failed for good: nothing will wake the worker again.
            Publish(nextSyncAt: null);
        }
        catch (Exception) when (_terminating.IsCancellationRequested)
        {
            // TerminateAsync stopped the run; it takes the pod from here.
        }
        catch (Exception failure)
        {
            _status.Fail(failure);
            if (failure is RpcException { StatusCode: StatusCode.Cancelled } && cancellationToken.IsCancellationRequested)
            {
                // gRPC reports a cancelled call as an RpcException; report it as .NET code expects.
                throw new OperationCanceledException("the pod worker was cancelled", failure, cancellationToken);
            }

            throw;
        }
    }

    /// <summary>
    /// Waits on the clock, publishing the status first. The wake-up timer is created before the status goes out,
    /// so whoever sees this status may move a virtual clock at once: the worker's wake-up is there to fire.
    /// </summary>
    private async Task SleepAsync(TimeSpan delay, CancellationToken ct)
    {
        var wakeUp = Task.Delay(delay, _time, ct);
        Publish(nextSyncAt: _time.GetUtcNow() + delay);
        await wakeUp.ConfigureAwait(false);
    }

    private void Publish(DateTimeOffset? nextSyncAt) => _status.Publish(Snapshot(_time.GetUtcNow(), nextSyncAt));

    private PodStatusSnapshot Snapshot(DateTimeOffset observedAt, DateTimeOffset? nextSyncAt) => new(
        _phase,
        [.. _initContainers.Select(c => c.ToSnapshot())],
        [.. _containers.Select(c => c.ToSnapshot())],
        observedAt,
        nextSyncAt);
}
