using FakeCri.Cri.V1;
using FakeCri.Processes;
using FakeCri.Processes.Internal;

namespace FakeCri.Runtime.Internal;

/// <summary>
/// One container as the runtime holds it: the create request's config (a private copy), the image it resolved
/// to, and its lifecycle timestamps. The CRI state is derived from the timestamps, as in containerd. Only
/// touched under the runtime lock.
/// </summary>
internal sealed class StoredContainer
{
    // Resources are never changed in place (an update replaces the whole object, responses get clones), so the
    // config's own serve until an update instead of a second copy, and containers without any share this one.
    private static readonly LinuxContainerResources NoResources = new();

    public StoredContainer(
        string id,
        string sandboxId,
        string name,
        StoredContainerConfig config,
        string imageId,
        string logPath,
        Signal stopSignal,
        LinuxContainerUser user,
        long createdAt,
        int pid,
        IReadOnlyList<string> commandLine,
        ContainerContext context)
    {
        CommandLine = commandLine;
        Context = context;
        Id = id;
        SandboxId = sandboxId;
        Name = name;
        Config = config;
        ImageId = imageId;
        LogPath = logPath;
        StopSignal = stopSignal;
        User = user;
        CreatedAt = createdAt;
        Pid = pid;
        Resources = config.Resources ?? NoResources;
    }

    public string Id { get; }

    public string SandboxId { get; }

    /// <summary>The reserved name, <c>container_pod_namespace_uid_attempt</c>.</summary>
    public string Name { get; }

    public StoredContainerConfig Config { get; }

    /// <summary>The image ID (<c>sha256:...</c>) the image reference resolved to at create.</summary>
    public string ImageId { get; }

    /// <summary><c>log_directory</c> joined with <c>log_path</c>, or empty when either is empty.</summary>
    public string LogPath { get; }

    public Signal StopSignal { get; }

    /// <summary>The resolved user; possibly shared with other containers (pooled), so never changed.</summary>
    public LinuxContainerUser User { get; }

    /// <summary>The resources now: the config's until UpdateContainerResources replaces them. Never changed in place.</summary>
    public LinuxContainerResources Resources { get; set; }

    public long CreatedAt { get; set; }

    public int Pid { get; }

    public long StartedAt { get; set; }

    public long FinishedAt { get; set; }

    public int ExitCode { get; set; }

    /// <summary>A reason fixed at exit (<c>StartError</c>, <c>OOMKilled</c>); otherwise derived from the code.</summary>
    public string? Reason { get; set; }

    public string Message { get; set; } = string.Empty;

    /// <summary>StartContainer is between its state check and its outcome (the log file is being opened).</summary>
    public bool Starting { get; set; }

    /// <summary>Resident memory of the idle program, from the image's size; what stats start from.</summary>
    public ulong BaseMemoryBytes { get; init; } = 1 << 20;

    /// <summary>The declared behaviour that applies, if any.</summary>
    public Behaviors.ContainerBehavior? Behavior { get; init; }

    /// <summary>The declared behaviour ended it as an OOM kill.</summary>
    public bool OomKilled { get; set; }

    /// <summary>Usage set by a test; null fields keep the defaults.</summary>
    public Behaviors.ContainerUsage? Usage { get; set; }

    /// <summary>CPU nanoseconds accumulated before the current rate took effect, and since when it applies.</summary>
    public (ulong Accumulated, long Since) CpuBase { get; set; }

    /// <summary>What the main process runs.</summary>
    public IReadOnlyList<string> CommandLine { get; }

    /// <summary>The container's files, processes and identity.</summary>
    public ContainerContext Context { get; }

    /// <summary>Attach's view of the main process's stdio.</summary>
    public AttachHub Attached { get; init; } = new(stdin: false);

    /// <summary>PID 1, once started.</summary>
    public EmulatedProcess? MainProcess { get; set; }

    /// <summary>The CRI log writer while running with a log path.</summary>
    public CriLogWriter? Log { get; set; }

    /// <summary>Completes once the main process's exit has been recorded.</summary>
    public TaskCompletionSource ExitRecorded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ContainerState State =>
        FinishedAt != 0 ? ContainerState.ContainerExited
        : StartedAt != 0 ? ContainerState.ContainerRunning
        : ContainerState.ContainerCreated;

    /// <summary>containerd's reason: fixed reason, else Completed for 0 and Error otherwise; empty until exited.</summary>
    public string EffectiveReason => State != ContainerState.ContainerExited
        ? string.Empty
        : Reason ?? (ExitCode == 0 ? "Completed" : "Error");
}
