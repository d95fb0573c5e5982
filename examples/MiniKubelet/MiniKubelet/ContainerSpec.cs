namespace MiniKubelet;

/// <summary>One container of a <see cref="PodSpec"/>.</summary>
/// <param name="Name">The container's name, unique in the pod.</param>
/// <param name="Image">The image reference, e.g. <c>busybox</c>.</param>
/// <param name="Command">What it runs; empty for the image's own entrypoint.</param>
public sealed record ContainerSpec(string Name, string Image, IReadOnlyList<string> Command)
{
    /// <summary>Decides whether the container is ready for traffic; none means ready as soon as it runs.</summary>
    public ExecProbe? ReadinessProbe { get; init; }

    /// <summary>Decides whether the container is alive; when it keeps failing, the container is restarted.</summary>
    public ExecProbe? LivenessProbe { get; init; }
}
