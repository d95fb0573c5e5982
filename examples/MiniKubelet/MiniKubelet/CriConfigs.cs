using FakeCri.Cri.V1;

namespace MiniKubelet;

/// <summary>The CRI configurations the specs turn into: what kubelet sends, cut down to what this worker needs.</summary>
internal static class CriConfigs
{
    public static PodSandboxConfig Sandbox(PodSpec pod) => new()
    {
        Metadata = new PodSandboxMetadata { Name = pod.Name, Namespace = pod.Namespace, Uid = pod.Uid },
        Hostname = pod.Name,
    };

    /// <summary>
    /// Each restart is a new container with the next attempt number: the runtime reserves the name
    /// <c>container_pod_namespace_uid_attempt</c>, so attempts never collide.
    /// </summary>
    public static ContainerConfig Container(ContainerSpec container, int attempt) => new()
    {
        Metadata = new ContainerMetadata { Name = container.Name, Attempt = (uint)attempt },
        Image = new ImageSpec { Image = container.Image },
        Command = { container.Command },
    };
}
