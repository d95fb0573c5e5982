using FakeCri.Cri.V1;

namespace FakeCri.Runtime;

/// <summary>A read-only snapshot of one container, as the runtime holds it at the moment it was taken.</summary>
/// <param name="Id">The 64-hex container ID.</param>
/// <param name="PodSandboxId">The sandbox it belongs to.</param>
/// <param name="Name">The container's name from its metadata.</param>
/// <param name="Attempt">The container attempt (kubelet's restart count).</param>
/// <param name="ReservedName">The reserved name, <c>container_pod_namespace_uid_attempt</c>.</param>
/// <param name="Image">The image reference the create request gave.</param>
/// <param name="ImageId">The image ID (<c>sha256:…</c>) that reference resolved to.</param>
/// <param name="State">CREATED, RUNNING or EXITED.</param>
/// <param name="CreatedAt">When it was created, on the runtime's clock.</param>
/// <param name="StartedAt">When it started; null until then.</param>
/// <param name="FinishedAt">When it exited; null until then.</param>
/// <param name="ExitCode">The exit code once exited.</param>
/// <param name="Reason">The exit reason once exited (<c>Completed</c>, <c>Error</c>, <c>OOMKilled</c>, <c>StartError</c>).</param>
/// <param name="Message">The exit message, if any.</param>
/// <param name="CommandLine">What its main process runs (command and args, else the image's entrypoint and cmd).</param>
/// <param name="LogPath">The CRI log file; empty when the container has none.</param>
/// <param name="Labels">The container's labels.</param>
/// <param name="Annotations">The container's annotations.</param>
public sealed record ContainerView(
    string Id,
    string PodSandboxId,
    string Name,
    uint Attempt,
    string ReservedName,
    string Image,
    string ImageId,
    ContainerState State,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    int ExitCode,
    string Reason,
    string Message,
    IReadOnlyList<string> CommandLine,
    string LogPath,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations);
