namespace FakeCri.Runtime;

/// <summary>
/// Everything the runtime holds, taken under one lock so the parts agree with each other (no container without
/// its sandbox, no IP without its pod) even while clients are calling.
/// </summary>
/// <param name="TakenAt">When the snapshot was taken, on the runtime's clock.</param>
/// <param name="Sandboxes">Every sandbox, in creation order.</param>
/// <param name="Containers">Every container, in creation order.</param>
/// <param name="Images">Every local image, in pull order.</param>
/// <param name="ReservedNames">Reserved sandbox and container names, each with the ID holding it.</param>
public sealed record RuntimeSnapshot(
    DateTimeOffset TakenAt,
    IReadOnlyList<SandboxView> Sandboxes,
    IReadOnlyList<ContainerView> Containers,
    IReadOnlyList<ImageView> Images,
    IReadOnlyDictionary<string, string> ReservedNames);
