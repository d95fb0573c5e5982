namespace MiniKubelet;

public sealed partial class PodWorker
{
    private Task? _termination;

    /// <summary>
    /// Stops the pod gracefully and removes it: ends <see cref="RunAsync"/>'s work, stops every app container
    /// with the pod's grace period (all at once, each with the whole period), records how each ended, then stops
    /// and removes the sandbox. A container that ignores its stop signal holds this call for the grace period: on
    /// a virtual clock, until the clock has been moved that far. Calling it again returns the first call's task.
    /// </summary>
    public Task TerminateAsync(CancellationToken cancellationToken = default) =>
        _termination ??= TerminateOnceAsync(cancellationToken);

    private async Task TerminateOnceAsync(CancellationToken ct)
    {
        await _terminating.CancelAsync().ConfigureAwait(false);
        try
        {
            await _run.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // RunAsync's caller sees how the run ended; the pod is torn down either way.
        }

        var created = _containers.Where(c => c.ContainerId is not null).ToList();
        await Task.WhenAll(created.Select(c => StopContainerAsync(c, ct))).ConfigureAwait(false);
        foreach (var record in created)
        {
            await ReadStateAsync(record, ct).ConfigureAwait(false);
            record.Ready = false;
            record.IsDone = true;
        }

        if (created.Count > 0 && _phase != PodPhase.Failed)
        {
            _phase = FinalPhase();
        }

        await RemoveSandboxAsync(ct).ConfigureAwait(false);
        Publish(nextSyncAt: null);
    }
}
