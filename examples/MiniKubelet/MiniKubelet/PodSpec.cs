namespace MiniKubelet;

/// <summary>
/// The part of a Kubernetes pod spec the worker acts on: who the pod is, what it runs, and how it restarts and
/// stops.
/// </summary>
/// <param name="Name">The pod's name.</param>
/// <param name="Namespace">The pod's namespace.</param>
/// <param name="Uid">The pod's UID; with the name and namespace it makes the sandbox's name unique.</param>
public sealed record PodSpec(string Name, string Namespace, string Uid)
{
    /// <summary>Run one at a time, in order, before any app container; each must exit 0.</summary>
    public IReadOnlyList<ContainerSpec> InitContainers { get; init; } = [];

    /// <summary>The app containers, started together once every init container has succeeded.</summary>
    public IReadOnlyList<ContainerSpec> Containers { get; init; } = [];

    /// <summary>Which exits are followed by a restart; applies to every container of the pod.</summary>
    public RestartPolicy RestartPolicy { get; init; } = RestartPolicy.Always;

    /// <summary>
    /// How long a container has to exit after its stop signal before it is killed (Kubernetes'
    /// <c>terminationGracePeriodSeconds</c>, 30s by default).
    /// </summary>
    public TimeSpan TerminationGracePeriod { get; init; } = TimeSpan.FromSeconds(30);
}
