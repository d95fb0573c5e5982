using FakeCri.Cri.V1;
using FakeCri.Processes;
using FakeCri.Processes.Shell;
using FakeCri.Runtime.Internal;

namespace FakeCri.Runtime;

/// <summary>
/// CRI <c>Exec</c>, <c>Attach</c> and <c>PortForward</c>: the RPCs validate and hand out a single-use URL of the
/// streaming server; the stream itself runs the command here, on the emulated process table.
/// </summary>
public sealed partial class EmulatedRuntime
{
    private StreamingTokens? _streamingTokens;
    private Func<CancellationToken, Task<Uri>>? _streamingServer;

    private StreamingTokens Tokens => _streamingTokens ??= new StreamingTokens(_clock);

    /// <summary>CRI <c>Exec</c>: checks the container is RUNNING and the stream flags make sense, then issues a URL.</summary>
    public async Task<ExecResponse> ExecAsync(ExecRequest request, CancellationToken cancellationToken = default)
    {
        RunningContainer(request.ContainerId);

        if (request.Tty && request.Stderr)
        {
            throw CriException.InvalidArgument("tty and stderr cannot both be true");
        }

        if (!request.Stdin && !request.Stdout && !request.Stderr)
        {
            throw CriException.InvalidArgument("one of stdin, stdout, or stderr must be set");
        }

        return new ExecResponse { Url = await IssueUrlAsync("exec", request.Clone(), cancellationToken).ConfigureAwait(false) };
    }

    /// <summary>
    /// CRI <c>Attach</c>: checks the container is RUNNING and at least one stream is wanted, then issues a URL. The
    /// stream joins the main process's live stdio.
    /// </summary>
    public async Task<AttachResponse> AttachAsync(AttachRequest request, CancellationToken cancellationToken = default)
    {
        RunningContainer(request.ContainerId);

        if (!request.Stdin && !request.Stdout && !request.Stderr)
        {
            throw CriException.InvalidArgument("one of stdin, stdout, and stderr must be set");
        }

        return new AttachResponse { Url = await IssueUrlAsync("attach", request.Clone(), cancellationToken).ConfigureAwait(false) };
    }

    /// <summary>
    /// CRI <c>PortForward</c>: the sandbox must exist and be READY; issues a URL whose stream connects to what the
    /// pod serves on the requested ports.
    /// </summary>
    public async Task<PortForwardResponse> PortForwardAsync(PortForwardRequest request, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var sandbox = FindSandbox(request.PodSandboxId, "failed to find sandbox", notFoundIsNull: false)!;
            if (sandbox.State != PodSandboxState.SandboxReady)
            {
                throw CriException.Unknown("sandbox container is not running");
            }
        }

        foreach (var port in request.Port)
        {
            if (port is < 1 or > 65535)
            {
                throw CriException.InvalidArgument($"port {port} is not a TCP port (1-65535)");
            }
        }

        return new PortForwardResponse { Url = await IssueUrlAsync("portforward", request.Clone(), cancellationToken).ConfigureAwait(false) };
    }

    /// <summary>The address a port-forward stream dials for a sandbox: its pod IP, or 127.0.0.1 on the host network.</summary>
    internal (string SandboxId, System.Net.IPAddress Address)? PortForwardTarget(string sandboxId)
    {
        lock (_gate)
        {
            var sandbox = FindSandbox(sandboxId, "failed to find sandbox", notFoundIsNull: true);
            return sandbox is null || sandbox.State != PodSandboxState.SandboxReady
                ? null
                : (sandbox.Id, System.Net.IPAddress.Parse(sandbox.Ip.Length > 0 ? sandbox.Ip : "127.0.0.1"));
        }
    }

    /// <summary>Wires the streaming server in: a function that starts it if needed and returns its base URL.</summary>
    internal void UseStreamingServer(Func<CancellationToken, Task<Uri>> server) => _streamingServer = server;

    /// <summary>Takes the request a streaming URL's token stands for; false for an unknown, used or expired token.</summary>
    internal bool TryRedeemStreamingToken(string token, out object? request) => Tokens.TryRedeem(token, out request);

    /// <summary>
    /// Runs an exec stream's command in the container as containerd does: a RUNNING check when the stream arrives,
    /// then the command with the given stdio until it exits. Returns the exit code.
    /// </summary>
    internal async Task<int> RunExecAsync(ExecRequest request, ProcessInput stdin, ProcessOutput stdout, ProcessOutput stderr, CancellationToken cancellationToken)
    {
        var container = RunningContainer(request.ContainerId);

        var argv = request.Cmd.ToArray();
        if (argv.Length == 0 || !Programs.IsKnown(argv[0]))
        {
            throw CriException.Unknown(
                $"failed to start exec: OCI runtime exec failed: exec failed: unable to start container process: exec: \"{(argv.Length == 0 ? string.Empty : argv[0])}\": executable file not found in $PATH: unknown");
        }

        var process = container.Context.Processes.Spawn(argv, null, NowNanos());
        using var cancel = cancellationToken.Register(() => process.Signal(Processes.Signals.Kill));
        return await RunExecProcessAsync(container.Context, process, new ProcessStreams(stdin, stdout, stderr), argv).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs an attach stream: the client gets the main process's output from now on until it exits; what the client
    /// sends reaches the process's stdin when the container has one. Returns the client's stdin sink (null when its
    /// input goes nowhere), what its stdin EOF does (null: end the session), and a task that completes when the
    /// container exits or the client leaves.
    /// </summary>
    internal (Action<string>? WriteStdin, Action? CloseStdin, Task Done) RunAttach(
        AttachRequest request, ProcessOutput stdout, ProcessOutput stderr, CancellationToken cancellationToken)
    {
        var container = RunningContainer(request.ContainerId);

        var detach = container.Attached.Attach(request.Stdout ? stdout : ProcessOutput.Null, request.Stderr ? stderr : ProcessOutput.Null);
        var done = WaitDetachedAsync();
        var pipe = request.Stdin ? container.Attached.Stdin : null;

        // The client's stdin EOF closes the container's stdin only for stdin_once without a TTY, as containerd;
        // otherwise (null) it only ends this client's session.
        Action? close = pipe is not null && container.Config.StdinOnce && !container.Config.Tty ? pipe.Close : null;
        return (pipe is null ? null : pipe.Write, close, done);

        async Task WaitDetachedAsync()
        {
            try
            {
                await container.ExitRecorded.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The client left; the container goes on.
            }
            finally
            {
                detach();
            }
        }
    }

    /// <summary>
    /// The container a streaming call is about, which must be RUNNING: checked when the URL is issued and again when
    /// the stream arrives, as containerd does.
    /// </summary>
    private StoredContainer RunningContainer(string containerId)
    {
        lock (_gate)
        {
            var container = FindContainer(containerId, "failed to find container", notFoundIsNull: false)!;
            return container.State == ContainerState.ContainerRunning
                ? container
                : throw CriException.Unknown($"container is in {StateName(container.State)} state");
        }
    }

    private async Task<string> IssueUrlAsync(string kind, object request, CancellationToken cancellationToken)
    {
        var server = _streamingServer
            ?? throw new CriException(Grpc.Core.StatusCode.Unimplemented, $"{kind}: this runtime has no streaming server");
        var baseUrl = await server(cancellationToken).ConfigureAwait(false);
        var token = Tokens.Issue(request)
            ?? throw new CriException(Grpc.Core.StatusCode.ResourceExhausted, "maximum number of in-flight requests exceeded");
        return new Uri(baseUrl, $"{kind}/{token}").ToString();
    }
}
