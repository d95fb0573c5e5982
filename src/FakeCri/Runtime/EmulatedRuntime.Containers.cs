using System.Text.Json;
using FakeCri.Cri.V1;
using FakeCri.Images;
using FakeCri.Runtime.Internal;

namespace FakeCri.Runtime;

public sealed partial class EmulatedRuntime
{
    private const string FindContainerContext = "an error occurred when try to find container";

    /// <summary>
    /// CRI <c>CreateContainer</c>: in a READY sandbox, from a locally present image, reserving
    /// <c>container_pod_namespace_uid_attempt</c>. The container is CREATED; its log path is
    /// <c>sandbox_config.log_directory</c> joined with <c>config.log_path</c> when both are set.
    /// </summary>
    public CreateContainerResponse CreateContainer(CreateContainerRequest request)
    {
        lock (_gate)
        {
            var sandbox = FindSandbox(request.PodSandboxId, "failed to find sandbox id", notFoundIsNull: false)!;
            if (sandbox.State != PodSandboxState.SandboxReady)
            {
                throw CriException.Unknown($"sandbox container \"{sandbox.Id}\" is not running");
            }

            var metadata = request.Config?.Metadata
                ?? throw CriException.InvalidArgument("container config must include metadata: config.metadata is missing");
            RequireNonEmpty(metadata.Name, "config.metadata.name");
            var podMetadata = request.SandboxConfig?.Metadata
                ?? throw CriException.InvalidArgument(
                    "pod sandbox config must include metadata: sandbox_config.metadata is missing");
            if (!Enum.IsDefined(request.Config.StopSignal))
            {
                throw CriException.InvalidArgument($"config.stop_signal {(int)request.Config.StopSignal} is not a signal");
            }

            var imageText = request.Config.Image?.Image;
            if (string.IsNullOrEmpty(imageText))
            {
                throw CriException.InvalidArgument("config.image.image must not be empty");
            }

            var securityContext = request.Config.Linux?.SecurityContext;
            if (securityContext?.RunAsGroup is { } group && securityContext.RunAsUser is null
                && string.IsNullOrEmpty(securityContext.RunAsUsername))
            {
                throw CriException.Unknown(
                    $"failed to generate spec opts: user group \"{group.Value}\" is specified without user");
            }

            var id = _ids.NextId();
            var name = $"{metadata.Name}_{podMetadata.Name}_{podMetadata.Namespace}_{podMetadata.Uid}_{metadata.Attempt}";
            if (!_containerNames.TryReserve(name, id, out var holder))
            {
                throw CriException.FailedPrecondition(
                    $"failed to reserve container name \"{name}\"; check if another CreateContainer request is in progress: name \"{name}\" is reserved for \"{holder}\"");
            }

            var lookup = _images.Resolve(imageText);
            if (lookup.Image is not { } image)
            {
                _containerNames.Release(name);
                throw lookup.IsAmbiguous
                    ? CriException.Unknown($"failed to resolve image \"{imageText}\": ambiguous digest string")
                    : CriException.NotFound($"failed to resolve image \"{imageText}\": not found");
            }

            var config = request.Config.Clone();
            var logDirectory = request.SandboxConfig.LogDirectory;
            var logPath = logDirectory.Length > 0 && config.LogPath.Length > 0
                ? Path.Join(logDirectory, config.LogPath)
                : string.Empty;
            var stopSignal = config.StopSignal != Signal.RuntimeDefault
                ? config.StopSignal
                : SignalNumbers.Parse(image.Source.StopSignal) ?? Signal.Sigterm;
            var container = new StoredContainer(
                id, sandbox.Id, name, config, image.Id, logPath, stopSignal, ResolveUser(config, image.Source),
                NowNanos(), NextPid());
            _containers.Add(id, container);
            _containerIds.Add(id);
            sandbox.ContainerIds.Add(id);
            return new CreateContainerResponse { ContainerId = id };
        }
    }

    /// <summary>
    /// CRI <c>StartContainer</c>: CREATED → RUNNING. Opens (creates) the log file first; if that or the sandbox
    /// check fails, the container ends EXITED with exit code 128 and reason StartError, as containerd leaves it.
    /// </summary>
    public StartContainerResponse StartContainer(StartContainerRequest request)
    {
        StoredContainer container;
        lock (_gate)
        {
            container = FindContainer(request.ContainerId, FindContainerContext, notFoundIsNull: false)!;
            if (container.Starting)
            {
                throw CriException.Unknown(
                    $"failed to set starting state for container \"{container.Id}\": container is already in starting state");
            }

            if (container.State != ContainerState.ContainerCreated)
            {
                throw CriException.Unknown(
                    $"failed to set starting state for container \"{container.Id}\": container is in {StateName(container.State)} state");
            }

            if (!_sandboxes.TryGet(container.SandboxId, out var sandbox) || sandbox.State != PodSandboxState.SandboxReady)
            {
                var message = $"sandbox container \"{container.SandboxId}\" is not running";
                FailStartLocked(container, message);
                throw CriException.Unknown(message);
            }

            container.Starting = true;
        }

        // File I/O happens outside the lock; the Starting flag keeps Start and Remove away meanwhile.
        var logError = OpenLogFile(container.LogPath);

        lock (_gate)
        {
            container.Starting = false;
            if (logError is not null)
            {
                var message = $"failed to create containerd task: failed to open log file \"{container.LogPath}\": {logError}";
                FailStartLocked(container, message);
                throw CriException.Unknown(message);
            }

            container.StartedAt = NowNanos();
        }

        return new StartContainerResponse();
    }

    /// <summary>
    /// CRI <c>StopContainer</c>: a RUNNING container gets its stop signal (exit 128+signal) or, with a timeout of
    /// 0 or less, SIGKILL (exit 137). CREATED and EXITED containers and unknown IDs: success, nothing changes.
    /// </summary>
    public StopContainerResponse StopContainer(StopContainerRequest request)
    {
        lock (_gate)
        {
            var container = FindContainer(request.ContainerId, FindContainerContext, notFoundIsNull: true);
            if (container is not null && container.State == ContainerState.ContainerRunning)
            {
                var signal = request.Timeout > 0 ? SignalNumbers.ToLinux(container.StopSignal) : 9;
                ExitLocked(container, 128 + signal, reason: null);
            }
        }

        return new StopContainerResponse();
    }

    /// <summary>
    /// CRI <c>RemoveContainer</c>: SIGKILLs a running container, then forgets it and releases its name. The log
    /// file stays (kubelet deletes logs). Unknown IDs succeed.
    /// </summary>
    public RemoveContainerResponse RemoveContainer(RemoveContainerRequest request)
    {
        lock (_gate)
        {
            var container = FindContainer(request.ContainerId, FindContainerContext, notFoundIsNull: true);
            if (container is not null)
            {
                if (container.Starting)
                {
                    throw CriException.Unknown(
                        $"failed to set removing state for container \"{container.Id}\": container is in starting state, can't be removed");
                }

                RemoveContainerLocked(container);
            }
        }

        return new RemoveContainerResponse();
    }

    /// <summary>CRI <c>ContainerStatus</c>; <c>verbose</c> adds containerd's <c>info</c> JSON.</summary>
    public ContainerStatusResponse ContainerStatus(ContainerStatusRequest request)
    {
        lock (_gate)
        {
            var container = FindContainer(request.ContainerId, FindContainerContext, notFoundIsNull: false)!;
            var response = new ContainerStatusResponse { Status = ToStatus(container) };
            if (request.Verbose)
            {
                response.Info.Add("info", DescribeContainer(container));
            }

            return response;
        }
    }

    /// <summary>CRI <c>ListContainers</c>: every container of every sandbox, in creation order, filtered.</summary>
    public ListContainersResponse ListContainers(ListContainersRequest request)
    {
        var response = new ListContainersResponse();
        lock (_gate)
        {
            foreach (var container in SelectContainers(request.Filter))
            {
                response.Containers.Add(ToListItem(container));
            }
        }

        return response;
    }

    /// <summary>
    /// CRI <c>UpdateContainerResources</c>: applies the non-zero fields of <c>linux</c> (zero means "not
    /// specified") in any state; ContainerStatus reports the result.
    /// </summary>
    public UpdateContainerResourcesResponse UpdateContainerResources(UpdateContainerResourcesRequest request)
    {
        lock (_gate)
        {
            var container = FindContainer(request.ContainerId, "failed to find container", notFoundIsNull: false)!;
            if (request.Linux is { } update)
            {
                container.Resources = Merge(container.Resources, update);
            }
        }

        return new UpdateContainerResourcesResponse();
    }

    private void FailStartLocked(StoredContainer container, string message)
    {
        container.StartedAt = 0;
        ExitLocked(container, 128, "StartError");
        container.Message = message;
    }

    private void ExitLocked(StoredContainer container, int exitCode, string? reason)
    {
        container.ExitCode = exitCode;
        container.Reason = reason;
        container.FinishedAt = NowNanos();
    }

    private void RemoveContainerLocked(StoredContainer container)
    {
        if (container.State == ContainerState.ContainerRunning)
        {
            ExitLocked(container, 128 + 9, reason: null);
        }

        _containerNames.Release(container.Name);
        _containers.Remove(container.Id);
        _containerIds.Remove(container.Id);
        if (_sandboxes.TryGet(container.SandboxId, out var sandbox))
        {
            sandbox.ContainerIds.Remove(container.Id);
        }
    }

    private IEnumerable<StoredContainer> SelectContainers(ContainerFilter? filter)
    {
        if (filter is not null && filter.Id.Length > 0)
        {
            var id = NormalizeFilterId(_containerIds, filter.Id);
            if (_containers.TryGet(id, out var only) && Matches(only, filter))
            {
                yield return only;
            }

            yield break;
        }

        if (filter is not null && filter.PodSandboxId.Length > 0)
        {
            var sandboxId = NormalizeFilterId(_sandboxIds, filter.PodSandboxId);
            if (!_sandboxes.TryGet(sandboxId, out var sandbox))
            {
                yield break;
            }

            foreach (var containerId in sandbox.ContainerIds)
            {
                if (_containers.TryGet(containerId, out var container) && Matches(container, filter))
                {
                    yield return container;
                }
            }

            yield break;
        }

        foreach (var container in _containers)
        {
            if (filter is null || Matches(container, filter))
            {
                yield return container;
            }
        }
    }

    private bool Matches(StoredContainer container, ContainerFilter filter) =>
        (filter.State is null || filter.State.State == container.State)
        && (filter.PodSandboxId.Length == 0
            || container.SandboxId == NormalizeFilterId(_sandboxIds, filter.PodSandboxId))
        && MatchesLabels(container.Config.Labels, filter.LabelSelector);

    private static Container ToListItem(StoredContainer container) => new()
    {
        Id = container.Id,
        PodSandboxId = container.SandboxId,
        Metadata = container.Config.Metadata.Clone(),
        Image = container.Config.Image.Clone(),
        ImageRef = container.ImageId,
        ImageId = container.ImageId,
        State = container.State,
        CreatedAt = container.CreatedAt,
        Labels = { container.Config.Labels },
        Annotations = { container.Config.Annotations },
    };

    private Cri.V1.ContainerStatus ToStatus(StoredContainer container)
    {
        var status = new Cri.V1.ContainerStatus
        {
            Id = container.Id,
            Metadata = container.Config.Metadata.Clone(),
            State = container.State,
            CreatedAt = container.CreatedAt,
            StartedAt = container.StartedAt,
            FinishedAt = container.FinishedAt,
            ExitCode = container.ExitCode,
            Reason = container.EffectiveReason,
            Message = container.Message,
            Image = container.Config.Image.Clone(),
            ImageRef = container.ImageId,
            ImageId = container.ImageId,
            Labels = { container.Config.Labels },
            Annotations = { container.Config.Annotations },
            Mounts = { container.Config.Mounts.Select(m => m.Clone()) },
            LogPath = container.LogPath,
            Resources = new ContainerResources { Linux = container.Resources.Clone() },
            User = new ContainerUser { Linux = container.User.Clone() },
            StopSignal = container.StopSignal,
        };

        // As containerd: the image's first tag and first repo digest while the image is still present.
        if (_images.TryGet(container.ImageId, out var image))
        {
            if (image.RepoTags.Count > 0)
            {
                status.Image = new ImageSpec { Image = image.RepoTags.Min! };
            }

            if (image.RepoDigests.Count > 0)
            {
                status.ImageRef = image.RepoDigests.Min!;
            }
        }

        return status;
    }

    private string DescribeContainer(StoredContainer container)
    {
        var info = new Dictionary<string, object?>
        {
            ["sandboxID"] = container.SandboxId,
            ["pid"] = container.State == ContainerState.ContainerRunning ? container.Pid : 0,
            ["removing"] = false,
            ["snapshotKey"] = container.Id,
            ["snapshotter"] = "overlayfs",
            ["runtimeType"] = "io.containerd.runc.v2",
            ["config"] = ProtoJson(container.Config),
        };
        return JsonSerializer.Serialize(info);
    }

    private static LinuxContainerUser ResolveUser(ContainerConfig config, CatalogImage image)
    {
        var security = config.Linux?.SecurityContext;
        long uid = 0;
        long gid = 0;
        if (security?.RunAsUser is { } runAsUser)
        {
            uid = runAsUser.Value;
            gid = image.Users.Values.FirstOrDefault(u => u.Uid == uid, (uid, 0)).Gid;
        }
        else if (!string.IsNullOrEmpty(security?.RunAsUsername))
        {
            (uid, gid) = image.Users.GetValueOrDefault(security.RunAsUsername);
        }
        else if (image.User.Length > 0)
        {
            var parts = image.User.Split(':', 2);
            if (long.TryParse(parts[0], out var numeric))
            {
                uid = numeric;
                gid = image.Users.Values.FirstOrDefault(u => u.Uid == uid, (uid, 0)).Gid;
            }
            else
            {
                (uid, gid) = image.Users.GetValueOrDefault(parts[0]);
            }

            if (parts.Length == 2)
            {
                gid = long.TryParse(parts[1], out var numericGroup) ? numericGroup : parts[1] == "users" ? 100 : gid;
            }
        }

        if (security?.RunAsGroup is { } runAsGroup)
        {
            gid = runAsGroup.Value;
        }

        var user = new LinuxContainerUser { Uid = uid, Gid = gid };
        user.SupplementalGroups.Add(gid);
        if (security is not null)
        {
            user.SupplementalGroups.Add(security.SupplementalGroups.Where(g => g != gid));
        }

        return user;
    }

    private static LinuxContainerResources Merge(LinuxContainerResources current, LinuxContainerResources update)
    {
        var merged = current.Clone();
        if (update.CpuPeriod != 0)
        {
            merged.CpuPeriod = update.CpuPeriod;
        }

        if (update.CpuQuota != 0)
        {
            merged.CpuQuota = update.CpuQuota;
        }

        if (update.CpuShares != 0)
        {
            merged.CpuShares = update.CpuShares;
        }

        if (update.MemoryLimitInBytes != 0)
        {
            merged.MemoryLimitInBytes = update.MemoryLimitInBytes;
        }

        if (update.OomScoreAdj != 0)
        {
            merged.OomScoreAdj = update.OomScoreAdj;
        }

        if (update.CpusetCpus.Length > 0)
        {
            merged.CpusetCpus = update.CpusetCpus;
        }

        if (update.CpusetMems.Length > 0)
        {
            merged.CpusetMems = update.CpusetMems;
        }

        if (update.MemorySwapLimitInBytes != 0)
        {
            merged.MemorySwapLimitInBytes = update.MemorySwapLimitInBytes;
        }

        if (update.HugepageLimits.Count > 0)
        {
            merged.HugepageLimits.Clear();
            merged.HugepageLimits.Add(update.HugepageLimits.Select(h => h.Clone()));
        }

        if (update.Unified.Count > 0)
        {
            merged.Unified.Clear();
            merged.Unified.Add(update.Unified);
        }

        return merged;
    }

    private static string? OpenLogFile(string path)
    {
        if (path.Length == 0)
        {
            return null;
        }

        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var options = new FileStreamOptions
            {
                Mode = FileMode.Append,
                Access = FileAccess.Write,
                Share = FileShare.ReadWrite | FileShare.Delete,
            };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;
            }

            using var stream = new FileStream(path, options);
            return null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return exception.Message;
        }
    }

    private static string StateName(ContainerState state) => state switch
    {
        ContainerState.ContainerCreated => "CONTAINER_CREATED",
        ContainerState.ContainerRunning => "CONTAINER_RUNNING",
        ContainerState.ContainerExited => "CONTAINER_EXITED",
        _ => "CONTAINER_UNKNOWN",
    };
}
