using FakeCri.Cri.V1;

namespace FakeCri.Runtime;

/// <summary>A read-only snapshot of one pod sandbox, as the runtime holds it at the moment it was taken.</summary>
/// <param name="Id">The 64-hex sandbox ID.</param>
/// <param name="Name">The pod's name from its metadata.</param>
/// <param name="Namespace">The pod's namespace.</param>
/// <param name="Uid">The pod's UID.</param>
/// <param name="Attempt">The sandbox attempt.</param>
/// <param name="ReservedName">The reserved name, <c>name_namespace_uid_attempt</c>.</param>
/// <param name="State">READY or NOTREADY.</param>
/// <param name="Ip">The pod IP; empty when NOTREADY or on the host network.</param>
/// <param name="HostNetwork">The pod uses the node's network namespace.</param>
/// <param name="RuntimeHandler">The runtime handler it runs with (<c>""</c> is the default one).</param>
/// <param name="CreatedAt">When RunPodSandbox (or seeding) created it, on the runtime's clock.</param>
/// <param name="Labels">The sandbox's labels.</param>
/// <param name="Annotations">The sandbox's annotations.</param>
/// <param name="ContainerIds">Its containers, in creation order.</param>
public sealed record SandboxView(
    string Id,
    string Name,
    string Namespace,
    string Uid,
    uint Attempt,
    string ReservedName,
    PodSandboxState State,
    string Ip,
    bool HostNetwork,
    string RuntimeHandler,
    DateTimeOffset CreatedAt,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations,
    IReadOnlyList<string> ContainerIds);
