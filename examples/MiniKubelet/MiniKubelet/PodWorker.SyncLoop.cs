namespace MiniKubelet;

public sealed partial class PodWorker
{
    /// <summary>Starts every app container, in spec order, without waiting for one before the next (as kubelet).</summary>
    private async Task StartContainersAsync(CancellationToken ct)
    {
        foreach (var record in _containers)
        {
            await StartContainerAsync(record, ct).ConfigureAwait(false);
        }

        _phase = PodPhase.Running;
    }

    /// <summary>
    /// Every sync period: read each app container's status, probe the running ones, restart the exited ones the
    /// restart policy allows. Returns once no container will run again: the pod is then Succeeded or Failed.
    /// </summary>
    private async Task SyncLoopAsync(CancellationToken ct)
    {
        while (true)
        {
            foreach (var record in _containers.Where(c => !c.IsDone))
            {
                await SyncContainerAsync(record, ct).ConfigureAwait(false);
            }

            if (_containers.All(c => c.IsDone))
            {
                _phase = FinalPhase();
                return;
            }

            await SleepAsync(Options.SyncPeriod, ct).ConfigureAwait(false);
        }
    }

    private async Task SyncContainerAsync(ContainerRecord record, CancellationToken ct)
    {
        var state = await ReadStateAsync(record, ct).ConfigureAwait(false);
        if (state is Running && !await ProbeAsync(record, ct).ConfigureAwait(false))
        {
            // The liveness probe gave up and the container was stopped: handle its exit now, not a sync later.
            state = await ReadStateAsync(record, ct).ConfigureAwait(false);
        }

        if (state is not Terminated exit)
        {
            return;
        }

        record.Ready = false;
        if (!Pod.RestartPolicy.Restarts(exit.ExitCode))
        {
            record.IsDone = true;
        }
        else if (await RestartAfterBackoffAsync(record, exit, ct).ConfigureAwait(false))
        {
            await ReadStateAsync(record, ct).ConfigureAwait(false); // report the new attempt as it is, not as "creating"
        }
    }

    /// <summary>Succeeded when every app container exited 0, otherwise Failed.</summary>
    private PodPhase FinalPhase() =>
        _containers.Length > 0 && _containers.All(c => c.State is Terminated { ExitCode: 0 }) ? PodPhase.Succeeded : PodPhase.Failed;
}
