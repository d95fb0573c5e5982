namespace MiniKubelet;

public sealed partial class PodWorker
{
    /// <summary>
    /// Runs the init containers one at a time, in order; each must exit 0 before the next one starts. A failed
    /// one is restarted after its back-off, unless the restart policy is Never: then the pod is Failed and the app
    /// containers never start (returns false).
    /// </summary>
    private async Task<bool> RunInitContainersAsync(CancellationToken ct)
    {
        foreach (var record in _initContainers)
        {
            await StartContainerAsync(record, ct).ConfigureAwait(false);
            while (true)
            {
                var state = await ReadStateAsync(record, ct).ConfigureAwait(false);
                if (state is Terminated { ExitCode: 0 })
                {
                    record.IsDone = true;
                    break;
                }

                if (state is Terminated failed)
                {
                    // For a failure, Always and OnFailure both mean "try again", as for init containers in Kubernetes.
                    if (!Pod.RestartPolicy.Restarts(failed.ExitCode))
                    {
                        record.IsDone = true;
                        _phase = PodPhase.Failed;
                        return false;
                    }

                    if (await RestartAfterBackoffAsync(record, failed, ct).ConfigureAwait(false))
                    {
                        continue; // A script that ends at once has already ended: look again before sleeping.
                    }
                }

                await SleepAsync(Options.SyncPeriod, ct).ConfigureAwait(false);
            }
        }

        return true;
    }
}
