namespace MiniKubelet;

/// <summary>One container of the pod, as the worker last saw it.</summary>
/// <param name="Name">The container's name from its spec.</param>
/// <param name="ContainerId">The CRI container standing for it now; null before the first create.</param>
/// <param name="State">Waiting, running or terminated.</param>
/// <param name="RestartCount">How many times it was restarted (the CRI attempt of the current container).</param>
/// <param name="Ready">Whether its readiness probe passed last time (true when it runs and has no probe).</param>
/// <param name="LastTermination">How the previous container exited, once it was restarted at least once.</param>
public sealed record ContainerStatusSnapshot(
    string Name,
    string? ContainerId,
    ContainerStateSnapshot State,
    int RestartCount,
    bool Ready,
    Terminated? LastTermination);
