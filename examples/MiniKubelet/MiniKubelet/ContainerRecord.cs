namespace MiniKubelet;

/// <summary>
/// The worker's book on one container of the pod: which CRI container stands for it now, what it last saw of it,
/// and what its probes and restarts have counted. Only the worker's own flow touches it, one step at a time.
/// </summary>
internal sealed class ContainerRecord(ContainerSpec spec, Waiting initialState)
{
    public ContainerSpec Spec { get; } = spec;

    public string Name => Spec.Name;

    /// <summary>The CRI container of the current attempt; null before the first create.</summary>
    public string? ContainerId { get; set; }

    /// <summary>What it waits for before its first start: PodInitializing or ContainerCreating.</summary>
    public Waiting InitialState { get; } = initialState;

    public ContainerStateSnapshot State { get; set; } = initialState;

    /// <summary>Also the CRI attempt number of the current container: kubelet names attempts this way.</summary>
    public int RestartCount { get; set; }

    public Terminated? LastTermination { get; set; }

    public bool Ready { get; set; }

    /// <summary>Exited, and its restart policy says it stays so: nothing about it will change any more.</summary>
    public bool IsDone { get; set; }

    public int LivenessFailures { get; set; }

    public DateTimeOffset NextLivenessProbeAt { get; set; }

    public DateTimeOffset NextReadinessProbeAt { get; set; }

    public ContainerStatusSnapshot ToSnapshot() => new(Name, ContainerId, State, RestartCount, Ready, LastTermination);
}
