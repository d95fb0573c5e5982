using FakeCri.Cri.V1;
using FakeCri.Runtime;
using Google.Protobuf;

namespace FakeCri.Faults.Internal;

/// <summary>
/// Works out which pod, container and image a CRI request is about, from its config messages or by looking up
/// the IDs it carries, so one fault rule can target "everything about pod web" across RPCs.
/// </summary>
internal static class FaultCallDescriber
{
    public static FaultCall Describe(EmulatedRuntime runtime, string method, IMessage request)
    {
        string? sandboxId = null, podName = null, podNamespace = null, containerId = null, containerName = null, image = null;

        void FromSandbox(SandboxView? sandbox)
        {
            if (sandbox is not null)
            {
                sandboxId ??= sandbox.Id;
                podName ??= sandbox.Name;
                podNamespace ??= sandbox.Namespace;
            }
        }

        foreach (var field in request.Descriptor.Fields.InFieldNumberOrder())
        {
            if (field.IsRepeated || field.IsMap)
            {
                continue;
            }

            switch (field.Accessor.GetValue(request))
            {
                case PodSandboxConfig { Metadata: { } pod }:
                    podName ??= pod.Name;
                    podNamespace ??= pod.Namespace;
                    break;
                case ContainerConfig config:
                    containerName ??= config.Metadata?.Name;
                    image ??= config.Image?.Image;
                    break;
                case ImageSpec spec when spec.Image.Length > 0:
                    image ??= spec.Image;
                    break;
                case string id when id.Length > 0 && field.Name == "pod_sandbox_id":
                    FromSandbox(runtime.GetSandbox(id));
                    break;
                case string id when id.Length > 0 && field.Name == "container_id":
                    if (runtime.GetContainer(id) is { } container)
                    {
                        containerId = container.Id;
                        containerName ??= container.Name;
                        image ??= container.Image;
                        FromSandbox(runtime.GetSandbox(container.PodSandboxId));
                    }

                    break;
            }
        }

        return new FaultCall(method, request, sandboxId, podName, podNamespace, containerId, containerName, image);
    }
}
