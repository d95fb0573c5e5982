using Google.Protobuf;

namespace FakeCri.Faults;

/// <summary>
/// A CRI call as fault rules see it: the request, plus the pod, container and image it is about — resolved from
/// IDs where the request only carries an ID, so a rule can say "calls about pod web" for every RPC.
/// </summary>
/// <param name="Method">The RPC's short name, e.g. <c>CreateContainer</c>.</param>
/// <param name="Request">The request message.</param>
/// <param name="SandboxId">The sandbox the call is about, when known.</param>
/// <param name="PodName">The pod's name, when known.</param>
/// <param name="PodNamespace">The pod's namespace, when known.</param>
/// <param name="ContainerId">The container the call is about, when known.</param>
/// <param name="ContainerName">The container's name, when known.</param>
/// <param name="Image">The image reference the call names (a pull, a create), when it names one.</param>
public sealed record FaultCall(
    string Method,
    IMessage Request,
    string? SandboxId,
    string? PodName,
    string? PodNamespace,
    string? ContainerId,
    string? ContainerName,
    string? Image);
