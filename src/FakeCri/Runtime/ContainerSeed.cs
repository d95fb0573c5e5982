using FakeCri.Cri.V1;

namespace FakeCri.Runtime;

/// <summary>
/// A container to put into the runtime directly, in a given state, as if a kubelet had created (and maybe run)
/// it before the test began. A RUNNING seed runs its command as an emulated process; an EXITED one keeps the
/// exit code, reason and timestamps given, without running anything.
/// </summary>
/// <example><c>cri.Runtime.SeedContainer(ContainerSeed.For(podId, "app").Exited(exitCode: 1))</c></example>
public sealed record ContainerSeed
{
    /// <summary>The sandbox (ID or unique prefix) it belongs to.</summary>
    public required string PodSandboxId { get; init; }

    /// <summary>The container config, as CreateContainer would have received it (metadata and image required).</summary>
    public required ContainerConfig Config { get; init; }

    /// <summary>CREATED, RUNNING (the default) or EXITED.</summary>
    public ContainerState State { get; init; } = ContainerState.ContainerRunning;

    /// <summary>The exit code of an EXITED seed.</summary>
    public int ExitCode { get; init; }

    /// <summary>The exit reason of an EXITED seed; null derives it from the code (<c>Completed</c> or <c>Error</c>).</summary>
    public string? Reason { get; init; }

    /// <summary>When it was created; null means now.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>When it started (RUNNING or EXITED); null means now.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it exited (EXITED); null means now.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>
    /// A RUNNING seed named <paramref name="name"/> in sandbox <paramref name="podSandboxId"/>, from
    /// <paramref name="image"/>, running <paramref name="command"/> (default: <c>top</c>, which runs until stopped).
    /// </summary>
    public static ContainerSeed For(string podSandboxId, string name, string image = "busybox", uint attempt = 0, params string[] command) => new()
    {
        PodSandboxId = podSandboxId,
        Config = new ContainerConfig
        {
            Metadata = new ContainerMetadata { Name = name, Attempt = attempt },
            Image = new ImageSpec { Image = image },
            Command = { command.Length > 0 ? command : ["top"] },
        },
    };

    /// <summary>This seed, CREATED and never started.</summary>
    public ContainerSeed Created() => this with { State = ContainerState.ContainerCreated };

    /// <summary>This seed, EXITED with <paramref name="exitCode"/> (and <paramref name="reason"/>, else derived).</summary>
    public ContainerSeed Exited(int exitCode, string? reason = null, DateTimeOffset? finishedAt = null) =>
        this with { State = ContainerState.ContainerExited, ExitCode = exitCode, Reason = reason, FinishedAt = finishedAt ?? FinishedAt };

    /// <summary>This seed, started at <paramref name="startedAt"/>.</summary>
    public ContainerSeed StartedOn(DateTimeOffset startedAt) => this with { StartedAt = startedAt };
}
