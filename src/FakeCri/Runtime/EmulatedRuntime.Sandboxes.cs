using System.Text.Json;
using FakeCri.Cri.V1;
using FakeCri.Images;
using FakeCri.Runtime.Internal;
using Google.Protobuf;

namespace FakeCri.Runtime;

public sealed partial class EmulatedRuntime
{
    private const string FindSandboxContext = "an error occurred when try to find sandbox";

    /// <summary>
    /// CRI <c>RunPodSandbox</c>: reserves the pod's name, allocates its IP (none on the host network), makes the
    /// sandbox image present and returns a READY sandbox's ID.
    /// </summary>
    public RunPodSandboxResponse RunPodSandbox(RunPodSandboxRequest request)
    {
        var metadata = request.Config?.Metadata
            ?? throw CriException.InvalidArgument("sandbox config must include metadata: config.metadata is missing");
        RequireNonEmpty(metadata.Name, "config.metadata.name");
        RequireNonEmpty(metadata.Namespace, "config.metadata.namespace");
        RequireNonEmpty(metadata.Uid, "config.metadata.uid");
        var copy = request.Config.Clone();
        _pool.ShareParts(copy);
        var config = new StoredSandboxConfig(copy);
        var name = $"{metadata.Name}_{metadata.Namespace}_{metadata.Uid}_{metadata.Attempt}";
        var sandboxImage = _sandboxImage;
        var sandboxImageSource = Catalog.Find(sandboxImage) ?? ImageCatalog.Synthesize(sandboxImage);

        lock (_gate)
        {
            var id = _ids.NextId();
            if (!_sandboxNames.TryReserve(name, id, out var holder))
            {
                throw CriException.FailedPrecondition(
                    $"failed to reserve sandbox name \"{name}\": name \"{name}\" is reserved for \"{holder}\"");
            }

            if (!_handlers.Contains(request.RuntimeHandler))
            {
                _sandboxNames.Release(name);
                throw CriException.Unknown(
                    $"unable to get OCI runtime for sandbox \"{id}\": no runtime for \"{request.RuntimeHandler}\" is configured");
            }

            var sandbox = new StoredSandbox(id, name, config, request.RuntimeHandler, NowNanos(), NextPid());
            if (!sandbox.HostNetwork)
            {
                if (!NetworkReadyLocked(out var network))
                {
                    _sandboxNames.Release(name);
                    throw CriException.Unknown(
                        $"failed to setup network for sandbox \"{id}\": cni plugin not initialized: {network!.Reason} {network.Message}".TrimEnd());
                }

                if (!_ipam.TryAllocate(out var ip))
                {
                    _sandboxNames.Release(name);
                    throw CriException.Unknown(
                        $"failed to setup network for sandbox \"{id}\": no IP addresses available in range {_ipam.Cidr}");
                }

                sandbox.Ip = ip;
            }

            _images.Record(sandboxImageSource, sandboxImage, pinned: true);
            _sandboxes.Add(id, sandbox);
            _sandboxIds.Add(id);
            _sandboxLabels.Add(sandbox, config.Labels);
            PublishLocked(id, ContainerEventType.ContainerCreatedEvent, sandbox);
            PublishLocked(id, ContainerEventType.ContainerStartedEvent, sandbox);
            return new RunPodSandboxResponse { PodSandboxId = id };
        }
    }

    /// <summary>
    /// CRI <c>StopPodSandbox</c>: SIGKILLs the pod's running containers (exit 137), releases its IP and marks it
    /// NOTREADY. Containers and the name stay until RemovePodSandbox. Unknown IDs succeed; repeats change nothing.
    /// </summary>
    public StopPodSandboxResponse StopPodSandbox(StopPodSandboxRequest request)
    {
        lock (_gate)
        {
            var sandbox = FindSandbox(request.PodSandboxId, FindSandboxContext, notFoundIsNull: true);
            if (sandbox is not null)
            {
                StopSandboxLocked(sandbox);
            }
        }

        return new StopPodSandboxResponse();
    }

    /// <summary>
    /// CRI <c>RemovePodSandbox</c>: stops the sandbox if needed, removes its containers, releases every name and
    /// forgets it. Works on READY sandboxes too; unknown IDs succeed.
    /// </summary>
    public RemovePodSandboxResponse RemovePodSandbox(RemovePodSandboxRequest request)
    {
        lock (_gate)
        {
            var sandbox = FindSandbox(request.PodSandboxId, FindSandboxContext, notFoundIsNull: true);
            if (sandbox is null)
            {
                return new RemovePodSandboxResponse();
            }

            foreach (var containerId in sandbox.ContainerIds)
            {
                if (_containers.TryGet(containerId, out var container) && container.Starting)
                {
                    throw CriException.Unknown(
                        $"failed to remove container \"{container.Id}\": failed to set removing state for container \"{container.Id}\": container is in starting state, can't be removed");
                }
            }

            StopSandboxLocked(sandbox);
            foreach (var containerId in sandbox.ContainerIds.ToArray())
            {
                if (_containers.TryGet(containerId, out var container))
                {
                    RemoveContainerLocked(container);
                }
            }

            _sandboxNames.Release(sandbox.Name);
            PublishLocked(sandbox.Id, ContainerEventType.ContainerDeletedEvent, sandbox);
            _sandboxes.Remove(sandbox.Id);
            _sandboxIds.Remove(sandbox.Id);
            _sandboxLabels.Remove(sandbox, sandbox.Config.Labels);
        }

        return new RemovePodSandboxResponse();
    }

    /// <summary>CRI <c>PodSandboxStatus</c>; <c>verbose</c> adds containerd's <c>info</c> JSON.</summary>
    public PodSandboxStatusResponse PodSandboxStatus(PodSandboxStatusRequest request)
    {
        lock (_gate)
        {
            var sandbox = FindSandbox(request.PodSandboxId, FindSandboxContext, notFoundIsNull: false)!;
            var response = new PodSandboxStatusResponse { Status = ToStatus(sandbox) };
            if (request.Verbose)
            {
                response.Info.Add("info", DescribeSandbox(sandbox));
            }

            return response;
        }
    }

    /// <summary>CRI <c>ListPodSandbox</c>: READY and NOTREADY sandboxes in creation order, filtered.</summary>
    public ListPodSandboxResponse ListPodSandbox(ListPodSandboxRequest request)
    {
        var response = new ListPodSandboxResponse();
        lock (_gate)
        {
            foreach (var sandbox in SelectSandboxes(request.Filter))
            {
                response.Items.Add(ToListItem(sandbox));
            }
        }

        return response;
    }

    /// <summary>
    /// CRI <c>UpdatePodSandboxResources</c>: stores the overhead and resources kubelet computed after a resize,
    /// in any state; shown in the verbose status.
    /// </summary>
    public UpdatePodSandboxResourcesResponse UpdatePodSandboxResources(UpdatePodSandboxResourcesRequest request)
    {
        lock (_gate)
        {
            var sandbox = FindSandbox(request.PodSandboxId, "failed to find sandbox", notFoundIsNull: false)!;
            if (request.Overhead is not null)
            {
                sandbox.Overhead = request.Overhead.Clone();
            }

            if (request.Resources is not null)
            {
                sandbox.Resources = request.Resources.Clone();
            }
        }

        return new UpdatePodSandboxResourcesResponse();
    }

    private void StopSandboxLocked(StoredSandbox sandbox)
    {
        foreach (var containerId in sandbox.ContainerIds)
        {
            if (_containers.TryGet(containerId, out var container))
            {
                KillLocked(container);
            }
        }

        if (sandbox.Ip.Length > 0)
        {
            _ipam.Release(sandbox.Ip);
            sandbox.Ip = string.Empty;
        }

        if (sandbox.State == PodSandboxState.SandboxReady)
        {
            sandbox.State = PodSandboxState.SandboxNotready;
            PublishLocked(sandbox.Id, ContainerEventType.ContainerStoppedEvent, sandbox);
        }
    }

    private IEnumerable<StoredSandbox> SelectSandboxes(PodSandboxFilter? filter)
    {
        if (filter is not null && filter.Id.Length > 0)
        {
            var id = NormalizeFilterId(_sandboxIds, filter.Id);
            if (_sandboxes.TryGet(id, out var only) && Matches(only, filter))
            {
                yield return only;
            }

            yield break;
        }

        if (filter is not null && _sandboxLabels.Select(filter.LabelSelector) is { } labelled)
        {
            // Every one carries the selector's labels; the state is the only condition left.
            foreach (var sandbox in labelled)
            {
                if (filter.State is null || filter.State.State == sandbox.State)
                {
                    yield return sandbox;
                }
            }

            yield break;
        }

        foreach (var sandbox in _sandboxes)
        {
            if (filter is null || Matches(sandbox, filter))
            {
                yield return sandbox;
            }
        }
    }

    private static bool Matches(StoredSandbox sandbox, PodSandboxFilter filter) =>
        (filter.State is null || filter.State.State == sandbox.State)
        && MatchesLabels(sandbox.Config.Labels, filter.LabelSelector);

    private static PodSandbox ToListItem(StoredSandbox sandbox) => new()
    {
        Id = sandbox.Id,
        Metadata = sandbox.Config.Metadata.Clone(),
        State = sandbox.State,
        CreatedAt = sandbox.CreatedAt,
        Labels = { sandbox.Config.Labels },
        Annotations = { sandbox.Config.Annotations },
        RuntimeHandler = sandbox.RuntimeHandler,
    };

    private static Cri.V1.PodSandboxStatus ToStatus(StoredSandbox sandbox) => new()
    {
        Id = sandbox.Id,
        Metadata = sandbox.Config.Metadata.Clone(),
        State = sandbox.State,
        CreatedAt = sandbox.CreatedAt,
        Network = new PodSandboxNetworkStatus { Ip = sandbox.Ip },
        Linux = new LinuxPodSandboxStatus
        {
            Namespaces = new Namespace { Options = sandbox.Config.NamespaceOptions?.Clone() },
        },
        Labels = { sandbox.Config.Labels },
        Annotations = { sandbox.Config.Annotations },
        RuntimeHandler = sandbox.RuntimeHandler,
    };

    private string DescribeSandbox(StoredSandbox sandbox)
    {
        var info = new Dictionary<string, object?>
        {
            ["pid"] = sandbox.State == PodSandboxState.SandboxReady ? sandbox.Pid : 0,
            ["processStatus"] = sandbox.State == PodSandboxState.SandboxReady ? "running" : "stopped",
            ["netNamespaceClosed"] = sandbox.State != PodSandboxState.SandboxReady,
            ["image"] = _options.SandboxImage,
            ["snapshotKey"] = sandbox.Id,
            ["snapshotter"] = "overlayfs",
            ["runtimeHandler"] = sandbox.RuntimeHandler,
            ["runtimeType"] = "io.containerd.runc.v2",
            ["config"] = ProtoJson(sandbox.Config.ToMessage()),
            ["sandboxMetadata"] = new Dictionary<string, object?>
            {
                ["ID"] = sandbox.Id,
                ["Name"] = sandbox.Name,
                ["NetNSPath"] = sandbox.HostNetwork ? string.Empty : $"/var/run/netns/cni-{sandbox.Id[..8]}",
                ["IP"] = sandbox.Ip,
            },
        };
        if (sandbox.Overhead is not null)
        {
            info["overhead"] = ProtoJson(sandbox.Overhead);
        }

        if (sandbox.Resources is not null)
        {
            info["resources"] = ProtoJson(sandbox.Resources);
        }

        return JsonSerializer.Serialize(info);
    }

    /// <summary>A protobuf message as a JSON value, for the verbose <c>info</c> documents.</summary>
    private static JsonElement ProtoJson(IMessage message) =>
        JsonSerializer.Deserialize<JsonElement>(JsonFormatter.Default.Format(message));

    private static void RequireNonEmpty(string value, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw CriException.InvalidArgument($"{field} must not be empty");
        }
    }
}
