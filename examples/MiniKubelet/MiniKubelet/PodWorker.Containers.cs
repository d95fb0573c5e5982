using FakeCri.Cri.V1;
using Grpc.Core;

namespace MiniKubelet;

public sealed partial class PodWorker
{
    /// <summary>
    /// CreateContainer then StartContainer, for the record's current attempt. A failed start is not thrown: the
    /// runtime leaves the container EXITED (128, StartError), and the status read that follows handles it like any
    /// other exit, restart policy included.
    /// </summary>
    private async Task StartContainerAsync(ContainerRecord record, CancellationToken ct)
    {
        var created = await _runtime.CreateContainerAsync(new CreateContainerRequest
        {
            PodSandboxId = _sandboxId,
            SandboxConfig = _sandboxConfig,
            Config = CriConfigs.Container(record.Spec, attempt: record.RestartCount),
        }, cancellationToken: ct).ConfigureAwait(false);
        record.ContainerId = created.ContainerId;
        record.State = new Waiting(Waiting.ContainerCreating);
        record.Ready = false;

        // A new container starts with a clean slate: probed on the first sync, no failures counted.
        record.LivenessFailures = 0;
        record.NextLivenessProbeAt = record.NextReadinessProbeAt = _time.GetUtcNow();
        try
        {
            await _runtime.StartContainerAsync(new StartContainerRequest { ContainerId = created.ContainerId }, cancellationToken: ct)
                .ConfigureAwait(false);
        }
        catch (RpcException) when (!ct.IsCancellationRequested)
        {
            // The next ContainerStatus reports it: EXITED, 128, StartError.
        }
    }

    /// <summary>ContainerStatus of the current container, turned into the record's state (and returned).</summary>
    private async Task<ContainerStateSnapshot> ReadStateAsync(ContainerRecord record, CancellationToken ct)
    {
        var response = await _runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = record.ContainerId }, cancellationToken: ct)
            .ConfigureAwait(false);
        var status = response.Status;
        record.State = status.State switch
        {
            ContainerState.ContainerRunning => new Running(FromUnixNanos(status.StartedAt)),
            ContainerState.ContainerExited => new Terminated(status.ExitCode, status.Reason, FromUnixNanos(status.FinishedAt)),
            _ => new Waiting(Waiting.ContainerCreating),
        };
        return record.State;
    }

    /// <summary>
    /// CrashLoopBackOff: before a restart the container waits 10s, 20s, 40s … (doubling per restart, capped),
    /// counted from when it finished, as kubelet counts it. Until then it is Waiting with reason CrashLoopBackOff;
    /// on the first look after that, it is restarted. Returns whether it was restarted now.
    /// </summary>
    private async Task<bool> RestartAfterBackoffAsync(ContainerRecord record, Terminated exit, CancellationToken ct)
    {
        record.LastTermination = exit;
        var backoff = Backoff.Delay(record.RestartCount, Options.CrashLoopBackoff, Options.MaxCrashLoopBackoff);
        if (_time.GetUtcNow() < exit.FinishedAt + backoff)
        {
            record.State = new Waiting(
                Waiting.CrashLoopBackOff,
                $"back-off {backoff.TotalSeconds}s restarting failed container={record.Name} pod={Pod.Name}_{Pod.Namespace}({Pod.Uid})");
            return false;
        }

        // A restart is a new container with the next attempt number; the exited one goes first.
        await _runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = record.ContainerId }, cancellationToken: ct)
            .ConfigureAwait(false);
        record.RestartCount++;
        await StartContainerAsync(record, ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// StopContainer with the pod's grace period: the stop signal now, SIGKILL if it still runs when the period is
    /// over. The call returns once the container has exited.
    /// </summary>
    private async Task StopContainerAsync(ContainerRecord record, CancellationToken ct)
    {
        var request = new StopContainerRequest
        {
            ContainerId = record.ContainerId,
            Timeout = (long)Pod.TerminationGracePeriod.TotalSeconds,
        };
        await _runtime.StopContainerAsync(request, cancellationToken: ct).ConfigureAwait(false);
    }

    private static DateTimeOffset FromUnixNanos(long nanoseconds) => DateTimeOffset.UnixEpoch.AddTicks(nanoseconds / 100);
}
