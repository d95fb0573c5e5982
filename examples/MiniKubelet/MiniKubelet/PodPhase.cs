namespace MiniKubelet;

/// <summary>Where the pod is in its life, as Kubernetes reports it.</summary>
public enum PodPhase
{
    /// <summary>Not every app container has started yet: images are pulled, init containers run.</summary>
    Pending,

    /// <summary>Every app container has started; at least one is running or will be restarted.</summary>
    Running,

    /// <summary>Every app container has exited 0 and none will be restarted.</summary>
    Succeeded,

    /// <summary>Every container has stopped for good and at least one failed (or an init container failed).</summary>
    Failed,
}
