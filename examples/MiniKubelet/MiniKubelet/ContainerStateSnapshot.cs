namespace MiniKubelet;

/// <summary>
/// What a container is doing, as Kubernetes reports it: exactly one of <see cref="Waiting"/>,
/// <see cref="Running"/> or <see cref="Terminated"/>. Match on it:
/// <c>state is Waiting { Reason: Waiting.CrashLoopBackOff }</c>.
/// </summary>
public abstract record ContainerStateSnapshot;

/// <summary>Not running yet, or not again yet; <paramref name="Reason"/> says why.</summary>
/// <param name="Reason">One of the constants below.</param>
/// <param name="Message">Details for a human, e.g. the pull error or the back-off.</param>
public sealed record Waiting(string Reason, string Message = "") : ContainerStateSnapshot
{
    /// <summary>The container is about to be created and started.</summary>
    public const string ContainerCreating = "ContainerCreating";

    /// <summary>The pod's init containers have not all succeeded yet.</summary>
    public const string PodInitializing = "PodInitializing";

    /// <summary>Pulling the image failed; the worker is waiting before it tries again.</summary>
    public const string ImagePullBackOff = "ImagePullBackOff";

    /// <summary>The container exited and will be restarted once its back-off has passed.</summary>
    public const string CrashLoopBackOff = "CrashLoopBackOff";
}

/// <summary>The container's process is running.</summary>
/// <param name="StartedAt">When it started, on the runtime's clock.</param>
public sealed record Running(DateTimeOffset StartedAt) : ContainerStateSnapshot;

/// <summary>The container's process has exited.</summary>
/// <param name="ExitCode">Its exit code: 137 after SIGKILL, 143 after SIGTERM, 128 when it could not start.</param>
/// <param name="Reason">The runtime's reason: <c>Completed</c>, <c>Error</c>, <c>OOMKilled</c>, <c>StartError</c>.</param>
/// <param name="FinishedAt">When it exited, on the runtime's clock.</param>
public sealed record Terminated(int ExitCode, string Reason, DateTimeOffset FinishedAt) : ContainerStateSnapshot;
