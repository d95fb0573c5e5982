using System.Text.Json;
using FakeCri.Behaviors;
using FakeCri.Cri.V1;
using FakeCri.Images;
using FakeCri.Images.Internal;
using FakeCri.Processes;
using FakeCri.Processes.Internal;
using FakeCri.Processes.Shell;
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
        // Three steps, as containerd: check and reserve the name under the lock; build the container outside it
        // (the config's copy, the emulated file system, host mounts resolved on the real file system: most of the
        // call's time, and file I/O); then re-check the sandbox and store the container under the lock again.
        // Concurrent creates do not queue behind each other's setup.
        StoredSandbox sandbox;
        StoredImage image;
        string id;
        string name;
        string podIp;
        PortMapping[] portMappings;
        SandboxFiles sandboxFiles;
        lock (_gate)
        {
            sandbox = FindSandbox(request.PodSandboxId, "failed to find sandbox id", notFoundIsNull: false)!;
            if (sandbox.State != PodSandboxState.SandboxReady && !_seeding)
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

            id = _ids.NextId();
            name = $"{metadata.Name}_{podMetadata.Name}_{podMetadata.Namespace}_{podMetadata.Uid}_{metadata.Attempt}";
            if (!_containerNames.TryReserve(name, id, out var holder))
            {
                throw NameReserved(name, holder);
            }

            var lookup = _images.Resolve(imageText);
            if (lookup.Image is null)
            {
                _containerNames.Release(name);
                throw lookup.IsAmbiguous
                    ? CriException.Unknown($"failed to resolve image \"{imageText}\": ambiguous digest string")
                    : CriException.NotFound($"failed to resolve image \"{imageText}\": not found");
            }

            image = lookup.Image;
            podIp = sandbox.Ip;
            sandboxFiles = sandbox.Files ??= new SandboxFiles();
            portMappings = _options.PodNetwork ? [.. sandbox.Config.PortMappings] : [];
        }

        ContainerConfig config;
        ContainerContext context;
        LinuxContainerUser user;
        try
        {
            config = request.Config.Clone();
            _pool.ShareParts(config);
            user = _pool.Share(ResolveUser(config, image.Source))!; // only ever cloned into statuses
            var network = _options.PodNetwork
                ? new Networking.Internal.PodPorts(
                    System.Net.IPAddress.Parse(podIp.Length > 0 ? podIp : "127.0.0.1"),
                    portMappings,
                    _options.LoggerFactory ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance)
                : null;
            context = ContainerSetup.Create(config, request.SandboxConfig, podIp, image.Source, user, _clock, network, sandboxFiles, _pool);
        }
        catch
        {
            lock (_gate)
            {
                _containerNames.Release(name, id);
            }

            throw;
        }

        var logDirectory = request.SandboxConfig.LogDirectory;
        var logPath = logDirectory.Length > 0 && config.LogPath.Length > 0
            ? Path.Join(logDirectory, config.LogPath)
            : string.Empty;
        var stopSignal = config.StopSignal != Signal.RuntimeDefault
            ? config.StopSignal
            : SignalNumbers.Parse(image.Source.StopSignal) ?? Signal.Sigterm;
        var commandLine = ContainerSetup.CommandLine(config, image.Source);
        var stdin = config.Stdin;
        var stored = new StoredContainerConfig(config); // takes the copy over: config is not read after this
        lock (_gate)
        {
            // Meanwhile the sandbox may have been stopped or removed (or the runtime reset): fail as a create
            // arriving now would.
            if (!_sandboxes.TryGet(sandbox.Id, out var current) || !ReferenceEquals(current, sandbox))
            {
                _containerNames.Release(name, id);
                throw CriException.NotFound($"failed to find sandbox id \"{request.PodSandboxId}\": not found");
            }

            if (sandbox.State != PodSandboxState.SandboxReady && !_seeding)
            {
                _containerNames.Release(name, id);
                throw CriException.Unknown($"sandbox container \"{sandbox.Id}\" is not running");
            }

            if (!_containerNames.TryReserve(name, id, out var holder))
            {
                throw NameReserved(name, holder);
            }

            var container = new StoredContainer(
                id, sandbox.Id, name, stored, image.Id, logPath, stopSignal, user, NowNanos(), NextPid(), commandLine, context)
            {
                BaseMemoryBytes = (1UL << 20) + (image.Source.Size / 20),
                Attached = new AttachHub(stdin),
                Behavior = ResolveBehavior(stored, request.SandboxConfig, image.Id),
            };
            _containers.Add(id, container);
            _containerIds.Add(id);
            _containerLabels.Add(container, stored.Labels);
            sandbox.ContainerIds.Add(id);
            PublishLocked(id, ContainerEventType.ContainerCreatedEvent, sandbox);
            return new CreateContainerResponse { ContainerId = id };
        }
    }

    private static CriException NameReserved(string name, string holder) =>
        CriException.FailedPrecondition(
            $"failed to reserve container name \"{name}\"; check if another CreateContainer request is in progress: name \"{name}\" is reserved for \"{holder}\"");

    /// <summary>
    /// CRI <c>StartContainer</c>: CREATED → RUNNING. Opens (creates) the log file, then runs the command line as
    /// PID 1. If the sandbox is gone, the log cannot be opened or there is nothing to run, the container ends
    /// EXITED with exit code 128 and reason StartError, as containerd leaves it. A program that ends at once
    /// (<c>echo hi</c>) is EXITED by the time the call returns.
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

            if (container.Behavior?.FailToStart is { } declared)
            {
                FailStartLocked(container, declared);
                throw CriException.Unknown(declared);
            }

            if (container.CommandLine.Count == 0 && container.Behavior?.ExitAfter is null)
            {
                var message = "failed to create containerd task: failed to create shim task: OCI runtime create failed: "
                    + "runc create failed: unable to start container process: exec: no command specified: unknown";
                FailStartLocked(container, message);
                throw CriException.Unknown(message);
            }

            container.Starting = true;
        }

        // File I/O happens outside the lock; the Starting flag keeps Start and Remove away meanwhile.
        CriLogWriter? log = null;
        string? logError = null;
        if (container.LogPath.Length > 0)
        {
            try
            {
                log = new CriLogWriter(container.LogPath, _clock);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                logError = exception.Message;
            }
        }

        EmulatedProcess process;
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
            container.Log = log;
            process = container.Context.Processes.Spawn(container.CommandLine, null, container.StartedAt);
            container.MainProcess = process;
            if (_sandboxes.TryGet(container.SandboxId, out var sandbox))
            {
                PublishLocked(container.Id, ContainerEventType.ContainerStartedEvent, sandbox);
            }
        }

        var streams = new ProcessStreams(
            (ProcessInput?)container.Attached.Stdin ?? ProcessInput.Empty,
            container.Attached.Tee(log is null ? ProcessOutput.Null : new LogOutput(log, stderr: false), stderr: false),
            container.Attached.Tee(log is null ? ProcessOutput.Null : new LogOutput(log, stderr: true), stderr: true));
        _ = RunMainProcessAsync(container, process, streams);
        return new StartContainerResponse();
    }

    /// <summary>
    /// CRI <c>StopContainer</c>: a RUNNING container's main process gets its stop signal (config, else image,
    /// else SIGTERM) and <c>timeout</c> seconds of the runtime's clock to exit; then SIGKILL (137). A timeout of 0
    /// or less kills at once. CREATED and EXITED containers and unknown IDs: success, nothing changes.
    /// </summary>
    public async Task<StopContainerResponse> StopContainerAsync(StopContainerRequest request, CancellationToken cancellationToken = default)
    {
        StoredContainer? container;
        EmulatedProcess? process;
        lock (_gate)
        {
            container = FindContainer(request.ContainerId, FindContainerContext, notFoundIsNull: true);
            if (container is null || container.State != ContainerState.ContainerRunning)
            {
                return new StopContainerResponse();
            }

            if (request.Timeout <= 0 || container.MainProcess is null)
            {
                KillLocked(container);
                return new StopContainerResponse();
            }

            process = container.MainProcess;
        }

        // The signal goes out before the grace timer exists: a test that sees the timer (WhenTimerDueAsync) and
        // advances a virtual clock knows the process already has the signal.
        if (container.Behavior?.IgnoreSigterm != true)
        {
            process.Signal(SignalNumbers.ToLinux(container.StopSignal));
        }

        using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var deadline = Task.Delay(TimeSpan.FromSeconds(request.Timeout), _clock, grace.Token);
        var finished = await Task.WhenAny(container.ExitRecorded.Task, deadline).ConfigureAwait(false);
        await grace.CancelAsync().ConfigureAwait(false);
        if (finished != container.ExitRecorded.Task)
        {
            cancellationToken.ThrowIfCancellationRequested();
            lock (_gate)
            {
                KillLocked(container);
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

    /// <summary>
    /// CRI <c>ExecSync</c>: runs <c>cmd</c> in the container (its files, environment, user and process table) and
    /// returns its output and exit code; a non-zero exit is a normal response. With a timeout, the command is
    /// SIGKILLed when it runs out on the runtime's clock and the call fails with DEADLINE_EXCEEDED, as containerd.
    /// </summary>
    public async Task<ExecSyncResponse> ExecSyncAsync(ExecSyncRequest request, CancellationToken cancellationToken = default)
    {
        StoredContainer container;
        lock (_gate)
        {
            container = FindContainer(request.ContainerId, "failed to exec in container: failed to find container", notFoundIsNull: false)!;
            if (container.State != ContainerState.ContainerRunning)
            {
                throw CriException.Unknown($"failed to exec in container: container is in {StateName(container.State)} state");
            }
        }

        var argv = request.Cmd.ToArray();
        if (container.Behavior?.Exec.FirstOrDefault(a => a.Command.SequenceEqual(argv)) is { } answer)
        {
            return new ExecSyncResponse
            {
                ExitCode = answer.ExitCode,
                Stdout = Google.Protobuf.ByteString.CopyFromUtf8(answer.Stdout),
                Stderr = Google.Protobuf.ByteString.CopyFromUtf8(answer.Stderr),
            };
        }

        if (argv.Length == 0)
        {
            throw CriException.Unknown("failed to exec in container: exec command is empty");
        }

        if (!Programs.IsKnown(argv[0]))
        {
            throw CriException.Unknown(
                $"failed to exec in container: failed to start exec: OCI runtime exec failed: exec failed: unable to start container process: exec: \"{argv[0]}\": executable file not found in $PATH: unknown");
        }

        // The timeout timer exists before the process does (see WhenTimerScheduledAsync).
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var expired = request.Timeout > 0
            ? Task.Delay(TimeSpan.FromSeconds(request.Timeout), _clock, timeout.Token)
            : Task.Delay(Timeout.Infinite, timeout.Token);
        var stdout = new CapturedOutput();
        var stderr = new CapturedOutput();
        var process = container.Context.Processes.Spawn(argv, null, NowNanos());
        var run = RunExecProcessAsync(container.Context, process, new ProcessStreams(ProcessInput.Empty, stdout, stderr), argv);
        var finished = await Task.WhenAny(run, expired).ConfigureAwait(false);
        await timeout.CancelAsync().ConfigureAwait(false);
        if (finished != run)
        {
            process.Signal(Processes.Signals.Kill);
            await run.ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            throw new CriException(
                Grpc.Core.StatusCode.DeadlineExceeded,
                $"failed to exec in container: timeout {request.Timeout}s exceeded: context deadline exceeded");
        }

        return new ExecSyncResponse
        {
            ExitCode = await run.ConfigureAwait(false),
            Stdout = Google.Protobuf.ByteString.CopyFromUtf8(stdout.ToString()),
            Stderr = Google.Protobuf.ByteString.CopyFromUtf8(stderr.ToString()),
        };
    }

    /// <summary>
    /// CRI <c>ReopenContainerLog</c> (RUNNING only): the log file is reopened at its path, so after kubelet renamed
    /// it the old file stops growing and a new one appears at once.
    /// </summary>
    public ReopenContainerLogResponse ReopenContainerLog(ReopenContainerLogRequest request)
    {
        CriLogWriter? log;
        lock (_gate)
        {
            var container = FindContainer(request.ContainerId, FindContainerContext, notFoundIsNull: false)!;
            if (container.State != ContainerState.ContainerRunning)
            {
                throw CriException.Unknown("container is not running");
            }

            log = container.Log;
        }

        try
        {
            log?.Reopen();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw CriException.Unknown($"failed to reopen container log \"{request.ContainerId}\": {exception.Message}");
        }

        return new ReopenContainerLogResponse();
    }

    private static async Task<int> RunExecProcessAsync(ContainerContext context, EmulatedProcess process, ProcessStreams streams, string[] argv)
    {
        await Task.Yield();
        var code = await Programs.RunAsync(process, context, streams, argv, topLevel: true).ConfigureAwait(false);
        context.Processes.Exit(process, code);
        return code;
    }

    private async Task RunMainProcessAsync(StoredContainer container, EmulatedProcess process, ProcessStreams streams)
    {
        // Cancelled when the main process ends: scheduled behaviour work stops with it. Only made when there is some.
        var running = container.Behavior?.Logs is { Count: > 0 } ? new CancellationTokenSource() : null;
        foreach (var line in container.Behavior?.Logs ?? [])
        {
            _ = WriteScheduledLogAsync(line, streams, running!.Token);
        }

        var serving = ServeDeclaredHttp(container, process);
        int code;
        try
        {
            code = container.Behavior?.ExitAfter is { } after
                ? await RunDeclaredAsync(container, process, after).ConfigureAwait(false)
                : await Programs.RunAsync(process, container.Context, streams, container.CommandLine, topLevel: true).ConfigureAwait(false);
        }
        finally
        {
            serving?.ForEach(server => server.Dispose());
        }

        if (running is not null)
        {
            await running.CancelAsync().ConfigureAwait(false);
        }

        container.Context.Processes.Exit(process, code);
        lock (_gate)
        {
            if (container.FinishedAt == 0)
            {
                ExitLocked(container, code, container.OomKilled ? "OOMKilled" : null);
                if (_sandboxes.TryGet(container.SandboxId, out var sandbox) && _containers.TryGet(container.Id, out _))
                {
                    PublishLocked(container.Id, ContainerEventType.ContainerStoppedEvent, sandbox);
                }
            }
        }

        // PID 1 is gone: the kernel kills the rest of the container's processes; the streams close.
        container.Context.Processes.KillAll();
        container.Log?.Dispose();
        container.ExitRecorded.TrySetResult();
    }

    /// <summary>
    /// Declared HTTP servers listen exactly while the process runs; a kill closes them synchronously. Null without
    /// pod networking. A method of its own so that its lambdas' captures are not allocated with every main process.
    /// </summary>
    private static List<IDisposable>? ServeDeclaredHttp(StoredContainer container, EmulatedProcess process) =>
        container.Context.Network is { } network
            ? (container.Behavior?.Http ?? []).Select(h => network.ServeHttp(h.Port, "fakecri", _ => (h.Status, h.Body), process.Killed)).ToList()
            : null;

    /// <summary>A declared behaviour's program: run for a while (stop signals end it unless ignored), then exit.</summary>
    private async Task<int> RunDeclaredAsync(StoredContainer container, EmulatedProcess process, TimeSpan after)
    {
        var behavior = container.Behavior!;
        var ended = await Applets.WaitAsync(process, container.Context, after, signal => !behavior.IgnoreSigterm && Applets.IsStopSignal(signal))
            .ConfigureAwait(false);
        if (ended is { } signal)
        {
            return 128 + signal;
        }

        if (behavior.OomKilled)
        {
            container.OomKilled = true;
            return 128 + Processes.Signals.Kill;
        }

        return behavior.ExitCode;
    }

    private async Task WriteScheduledLogAsync(ScheduledLogLine line, ProcessStreams streams, CancellationToken running)
    {
        try
        {
            while (true)
            {
                await Task.Delay(line.Every, _clock, running).ConfigureAwait(false);
                (line.Stderr ? streams.Stderr : streams.Stdout).Write(line.Line + "\n");
            }
        }
        catch (OperationCanceledException)
        {
            // The container stopped.
        }
    }

    private ContainerBehavior? ResolveBehavior(StoredContainerConfig config, PodSandboxConfig sandbox, string imageId)
    {
        ContainerBehavior? declared = null;
        foreach (var behavior in CurrentBehaviors())
        {
            var match = behavior.Match;
            if ((match.ContainerName is null || match.ContainerName == config.Metadata.Name)
                && (match.Image is null || _images.Resolve(match.Image).Image?.Id == imageId)
                && match.Labels.All(l => config.Labels.TryGetValue(l.Key, out var v) && v == l.Value)
                && match.Annotations.All(a => config.Annotations.TryGetValue(a.Key, out var v) && v == a.Value))
            {
                declared = behavior;
                break;
            }
        }

        return ContainerBehavior.FromAnnotations(declared, sandbox.Annotations, config.Annotations);
    }

    /// <summary>SIGKILL: recorded at once (exit 137), so the caller sees EXITED when its call returns.</summary>
    private void KillLocked(StoredContainer container)
    {
        if (container.State != ContainerState.ContainerRunning)
        {
            return;
        }

        ExitLocked(container, 128 + 9, reason: null);
        container.MainProcess?.Signal(Processes.Signals.Kill);
        container.Context.Processes.KillAll();
        if (_sandboxes.TryGet(container.SandboxId, out var sandbox))
        {
            PublishLocked(container.Id, ContainerEventType.ContainerStoppedEvent, sandbox);
        }
    }

    /// <summary>Publishes a container (or sandbox) event with the sandbox's and its containers' current statuses.</summary>
    private void PublishLocked(string id, ContainerEventType type, StoredSandbox sandbox)
    {
        if (_seeding)
        {
            return;
        }

        var evt = new ContainerEventResponse
        {
            ContainerId = id,
            ContainerEventType = type,
            CreatedAt = NowNanos(),
            PodSandboxStatus = EventSandboxStatusLocked(sandbox),
        };
        foreach (var containerId in sandbox.ContainerIds)
        {
            if (_containers.TryGet(containerId, out var member))
            {
                evt.ContainersStatuses.Add(ToStatus(member));
            }
        }

        _events.Publish(evt);
    }

    /// <summary>
    /// The sandbox status an event carries. Events come in runs for one sandbox in one state (a RunPodSandbox's
    /// CREATED and STARTED, a pod's container events, a StopPodSandbox's STOPPED then the DELETED of its removal),
    /// and nothing else in a sandbox's status ever changes, so the last one built is reused while the sandbox and its
    /// state are the same. Safe to share: the hub serialises it into the backlog and clones it for each subscriber.
    /// </summary>
    private Cri.V1.PodSandboxStatus EventSandboxStatusLocked(StoredSandbox sandbox)
    {
        if (_lastEventStatus is { } last && ReferenceEquals(last.Sandbox, sandbox) && last.State == sandbox.State)
        {
            return last.Status;
        }

        var status = ToStatus(sandbox);
        _lastEventStatus = (sandbox, sandbox.State, status);
        return status;
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
        KillLocked(container);
        _containerNames.Release(container.Name);
        _containers.Remove(container.Id);
        _containerIds.Remove(container.Id);
        _containerLabels.Remove(container, container.Config.Labels);
        if (_sandboxes.TryGet(container.SandboxId, out var sandbox))
        {
            sandbox.ContainerIds.Remove(container.Id);
            PublishLocked(container.Id, ContainerEventType.ContainerDeletedEvent, sandbox);
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

        if (filter is not null && _containerLabels.Select(filter.LabelSelector) is { } labelled)
        {
            // Every one carries the selector's labels; the state is the only condition left.
            foreach (var container in labelled)
            {
                if (filter.State is null || filter.State.State == container.State)
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
            ["config"] = ProtoJson(container.Config.ToMessage()),
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

    private static string StateName(ContainerState state) => state switch
    {
        ContainerState.ContainerCreated => "CONTAINER_CREATED",
        ContainerState.ContainerRunning => "CONTAINER_RUNNING",
        ContainerState.ContainerExited => "CONTAINER_EXITED",
        _ => "CONTAINER_UNKNOWN",
    };
}
