using FakeCri.Cri.V1;

namespace FakeCri.Runtime.Internal;

/// <summary>
/// One pod sandbox as the runtime holds it. Mutable, and only touched under the runtime lock; responses are built
/// from it as fresh messages so no client ever holds a reference into it.
/// </summary>
internal sealed class StoredSandbox
{
    public StoredSandbox(string id, string name, StoredSandboxConfig config, string runtimeHandler, long createdAt, int pid)
    {
        Id = id;
        Name = name;
        Config = config;
        RuntimeHandler = runtimeHandler;
        CreatedAt = createdAt;
        Pid = pid;
    }

    public string Id { get; }

    /// <summary>The reserved name, <c>name_namespace_uid_attempt</c>.</summary>
    public string Name { get; }

    /// <summary>A private copy of the config RunPodSandbox was given.</summary>
    public StoredSandboxConfig Config { get; }

    public string RuntimeHandler { get; }

    public long CreatedAt { get; set; }

    public int Pid { get; }

    public PodSandboxState State { get; set; } = PodSandboxState.SandboxReady;

    /// <summary>The pod IP while the sandbox is READY and not on the host network; empty otherwise.</summary>
    public string Ip { get; set; } = string.Empty;

    public bool HostNetwork => Config.NamespaceOptions?.Network == NamespaceMode.Node;

    /// <summary>Resources from UpdatePodSandboxResources, shown in the verbose status.</summary>
    public LinuxContainerResources? Overhead { get; set; }

    public LinuxContainerResources? Resources { get; set; }

    /// <summary>The files its containers share (see <see cref="SandboxFiles"/>); made with its first container.</summary>
    public SandboxFiles? Files { get; set; }

    /// <summary>The sandbox's containers in creation order, for O(k) per-pod work.</summary>
    public List<string> ContainerIds { get; } = [];
}
