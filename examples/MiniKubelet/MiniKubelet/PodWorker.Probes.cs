using FakeCri.Cri.V1;
using Grpc.Core;

namespace MiniKubelet;

public sealed partial class PodWorker
{
    /// <summary>
    /// Runs the probes that are due on a running container. Liveness: after its failure threshold of failures in
    /// a row, the container is stopped with the pod's grace period, as kubelet kills it, and false is returned;
    /// the restart policy then treats the exit like any other. Readiness: each result sets the ready flag (no
    /// readiness probe: ready while running).
    /// </summary>
    private async Task<bool> ProbeAsync(ContainerRecord record, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        if (record.Spec.LivenessProbe is { } liveness && now >= record.NextLivenessProbeAt)
        {
            record.NextLivenessProbeAt = now + liveness.Period;
            var alive = await PassesAsync(record, liveness, ct).ConfigureAwait(false);
            record.LivenessFailures = alive ? 0 : record.LivenessFailures + 1;
            if (record.LivenessFailures >= liveness.FailureThreshold)
            {
                record.Ready = false;
                await StopContainerAsync(record, ct).ConfigureAwait(false);
                return false;
            }
        }

        if (record.Spec.ReadinessProbe is not { } readiness)
        {
            record.Ready = true;
        }
        else if (now >= record.NextReadinessProbeAt)
        {
            record.NextReadinessProbeAt = now + readiness.Period;
            record.Ready = await PassesAsync(record, readiness, ct).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>
    /// One run of a probe's command (ExecSync): passes on exit code 0. An error (the exec failed or timed out,
    /// the container is gone) is a failure, as kubelet counts it.
    /// </summary>
    private async Task<bool> PassesAsync(ContainerRecord record, ExecProbe probe, CancellationToken ct)
    {
        var request = new ExecSyncRequest
        {
            ContainerId = record.ContainerId,
            Cmd = { probe.Command },
            Timeout = (long)Math.Ceiling(probe.Timeout.TotalSeconds),
        };
        try
        {
            var response = await _runtime.ExecSyncAsync(request, cancellationToken: ct).ConfigureAwait(false);
            return response.ExitCode == 0;
        }
        catch (RpcException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }
}
