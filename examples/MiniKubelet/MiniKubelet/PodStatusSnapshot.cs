namespace MiniKubelet;

/// <summary>
/// The pod as the worker saw it at <see cref="ObservedAt"/>. The worker publishes one each time it finishes a
/// round of work and goes to sleep, with its next wake-up (<see cref="NextSyncAt"/>) already on the clock.
/// </summary>
/// <param name="Phase">Pending, Running, Succeeded or Failed.</param>
/// <param name="InitContainers">The init containers, in spec order.</param>
/// <param name="Containers">The app containers, in spec order.</param>
/// <param name="ObservedAt">
/// When the worker took this snapshot, on its clock; <see cref="DateTimeOffset.MinValue"/> before its first look.
/// </param>
/// <param name="NextSyncAt">When the worker wakes up next; null once it has stopped working on the pod.</param>
public sealed record PodStatusSnapshot(
    PodPhase Phase,
    IReadOnlyList<ContainerStatusSnapshot> InitContainers,
    IReadOnlyList<ContainerStatusSnapshot> Containers,
    DateTimeOffset ObservedAt,
    DateTimeOffset? NextSyncAt)
{
    /// <summary>Whether the pod can take traffic: it runs and every app container is ready.</summary>
    public bool Ready => Phase == PodPhase.Running && Containers.All(c => c.Ready);

    /// <summary>The init or app container called <paramref name="name"/>.</summary>
    /// <exception cref="InvalidOperationException">The pod has no container of that name.</exception>
    public ContainerStatusSnapshot Container(string name) => InitContainers.Concat(Containers).Single(c => c.Name == name);
}
