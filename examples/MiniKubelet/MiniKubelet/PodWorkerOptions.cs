namespace MiniKubelet;

/// <summary>The worker's timings. Immutable: derive variants with <c>with</c>.</summary>
public sealed record PodWorkerOptions
{
    /// <summary>The defaults below.</summary>
    public static PodWorkerOptions Default { get; } = new();

    /// <summary>
    /// How often the worker looks at its containers (kubelet's pod lifecycle event generator relists every
    /// second, too). Probes and restarts happen on these syncs.
    /// </summary>
    public TimeSpan SyncPeriod { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The wait after the first failed pull of an image, doubled after each further failure (kubelet starts at
    /// 10s; 1s keeps the example's timelines short).
    /// </summary>
    public TimeSpan ImagePullBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two pulls of an image.</summary>
    public TimeSpan MaxImagePullBackoff { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The wait before a container's first restart, doubled for each restart after it: 10s, 20s, 40s … as kubelet's
    /// CrashLoopBackOff (kubelet lets the very first restart go at once; here every restart waits).
    /// </summary>
    public TimeSpan CrashLoopBackoff { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest wait before a restart (kubelet's cap, 5 minutes).</summary>
    public TimeSpan MaxCrashLoopBackoff { get; init; } = TimeSpan.FromMinutes(5);
}
