using System.Globalization;

namespace FakeCri.Behaviors;

/// <summary>
/// An effect a test wants from matching containers without writing a script: run for a while then exit with a
/// code, crash, be OOM-killed, fail to start, ignore SIGTERM, log lines on a schedule, answer exec commands.
/// Immutable; build with the static entry points and the fluent methods:
/// <code>ContainerBehavior.ForImage("busybox").RunsFor(TimeSpan.FromSeconds(5)).ThenExits(1)</code>.
/// </summary>
public sealed record ContainerBehavior
{
    /// <summary>Annotation prefix for per-pod and per-container behaviours (a real kubelet can set them).</summary>
    public const string AnnotationPrefix = "fakecri.io/";

    /// <summary>Which containers this applies to.</summary>
    public BehaviorMatch Match { get; init; } = new();

    /// <summary>How long the container runs before it exits on its own; null: its command decides.</summary>
    public TimeSpan? ExitAfter { get; init; }

    /// <summary>The exit code after <see cref="ExitAfter"/> (0 = Completed, anything else = Error).</summary>
    public int ExitCode { get; init; }

    /// <summary>The exit is an OOM kill: exit code 137, reason <c>OOMKilled</c>.</summary>
    public bool OomKilled { get; init; }

    /// <summary>StartContainer fails with this message; the container ends EXITED/128/StartError.</summary>
    public string? FailToStart { get; init; }

    /// <summary>The stop signal is ignored, so StopContainer SIGKILLs (137) at the end of the grace period.</summary>
    public bool IgnoreSigterm { get; init; }

    /// <summary>Lines written to the container's log on a schedule while it runs.</summary>
    public IReadOnlyList<ScheduledLogLine> Logs { get; init; } = [];

    /// <summary>Canned answers to ExecSync commands (matched on the whole command line).</summary>
    public IReadOnlyList<ExecAnswer> Exec { get; init; } = [];

    /// <summary>
    /// HTTP servers the container runs while it runs, on the pod IP (and mapped host ports) when pod networking is on:
    /// what a kubelet's httpGet probe or a port-forward reaches.
    /// </summary>
    public IReadOnlyList<HttpEndpoint> Http { get; init; } = [];

    /// <summary>Applies to every container.</summary>
    public static ContainerBehavior ForAll() => new();

    /// <summary>Applies to containers of an image (any reference form naming it: <c>busybox</c>, a tag, an ID).</summary>
    public static ContainerBehavior ForImage(string image) => new() { Match = new BehaviorMatch { Image = image } };

    /// <summary>Applies to containers with this name (<c>metadata.name</c>).</summary>
    public static ContainerBehavior ForContainer(string name) => new() { Match = new BehaviorMatch { ContainerName = name } };

    /// <summary>Also requires a label.</summary>
    public ContainerBehavior WithLabel(string key, string value) =>
        this with { Match = Match with { Labels = new Dictionary<string, string>(Match.Labels) { [key] = value } } };

    /// <summary>Also requires an annotation.</summary>
    public ContainerBehavior WithAnnotation(string key, string value) =>
        this with { Match = Match with { Annotations = new Dictionary<string, string>(Match.Annotations) { [key] = value } } };

    /// <summary>Runs for <paramref name="duration"/> of the runtime's clock.</summary>
    public ContainerBehavior RunsFor(TimeSpan duration) => this with { ExitAfter = duration };

    /// <summary>Then exits with <paramref name="exitCode"/>.</summary>
    public ContainerBehavior ThenExits(int exitCode) => this with { ExitCode = exitCode };

    /// <summary>Crashes (reason Error) after <paramref name="after"/>.</summary>
    public ContainerBehavior Crashes(TimeSpan after, int exitCode = 1) => this with { ExitAfter = after, ExitCode = exitCode };

    /// <summary>Is OOM-killed after <paramref name="after"/>.</summary>
    public ContainerBehavior IsOomKilled(TimeSpan after) => this with { ExitAfter = after, OomKilled = true };

    /// <summary>Fails to start with <paramref name="message"/>.</summary>
    public ContainerBehavior FailsToStart(string message) => this with { FailToStart = message };

    /// <summary>Ignores its stop signal.</summary>
    public ContainerBehavior IgnoresSigterm() => this with { IgnoreSigterm = true };

    /// <summary>Writes <paramref name="line"/> to its log every <paramref name="every"/>.</summary>
    public ContainerBehavior LogsEvery(TimeSpan every, string line, bool stderr = false) =>
        this with { Logs = [.. Logs, new ScheduledLogLine(every, line, stderr)] };

    /// <summary>Answers the exec of <paramref name="command"/> with the given output.</summary>
    public ContainerBehavior AnswersExec(IReadOnlyList<string> command, string stdout, int exitCode = 0, string stderr = "") =>
        this with { Exec = [.. Exec, new ExecAnswer(command, stdout, stderr, exitCode)] };

    /// <summary>
    /// Serves HTTP on <paramref name="port"/> while running: every request gets <paramref name="status"/> and
    /// <paramref name="body"/>.
    /// </summary>
    public ContainerBehavior ServesHttp(int port, string body = "ok\n", int status = 200) =>
        this with { Http = [.. Http, new HttpEndpoint(port, body, status)] };

    /// <summary>
    /// The behaviour a container's and its sandbox's annotations declare (container annotations win), on top of
    /// <paramref name="baseline"/>: <c>fakecri.io/exit-after</c> (<c>5s</c>, <c>2m</c>, <c>250ms</c>),
    /// <c>fakecri.io/exit-code</c>, <c>fakecri.io/oom-killed</c>, <c>fakecri.io/fail-to-start</c> (message),
    /// <c>fakecri.io/ignore-sigterm</c>, <c>fakecri.io/log-every</c> with <c>fakecri.io/log-line</c>,
    /// <c>fakecri.io/http-port</c> (answers <c>ok</c> with 200 on that port).
    /// </summary>
    public static ContainerBehavior? FromAnnotations(
        ContainerBehavior? baseline, IReadOnlyDictionary<string, string> sandbox, IReadOnlyDictionary<string, string> container)
    {
        string? Get(string key) => container.TryGetValue(AnnotationPrefix + key, out var value) ? value
            : sandbox.TryGetValue(AnnotationPrefix + key, out value) ? value : null;

        var behavior = baseline;
        if (Get("exit-after") is { } after && TryParseDuration(after, out var duration))
        {
            behavior = (behavior ?? new ContainerBehavior()) with { ExitAfter = duration };
        }

        if (Get("exit-code") is { } code && int.TryParse(code, NumberStyles.Integer, CultureInfo.InvariantCulture, out var exitCode))
        {
            behavior = (behavior ?? new ContainerBehavior()) with { ExitCode = exitCode };
        }

        if (Get("oom-killed") is "true")
        {
            behavior = (behavior ?? new ContainerBehavior()) with { OomKilled = true, ExitAfter = behavior?.ExitAfter ?? TimeSpan.Zero };
        }

        if (Get("fail-to-start") is { Length: > 0 } message)
        {
            behavior = (behavior ?? new ContainerBehavior()) with { FailToStart = message };
        }

        if (Get("ignore-sigterm") is "true")
        {
            behavior = (behavior ?? new ContainerBehavior()) with { IgnoreSigterm = true };
        }

        if (Get("log-every") is { } every && TryParseDuration(every, out var interval) && interval > TimeSpan.Zero && Get("log-line") is { } line)
        {
            behavior = (behavior ?? new ContainerBehavior()).LogsEvery(interval, line);
        }

        if (Get("http-port") is { } httpPort && int.TryParse(httpPort, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536)
        {
            behavior = (behavior ?? new ContainerBehavior()).ServesHttp(port);
        }

        return behavior;
    }

    /// <summary>Parses <c>250ms</c>, <c>5s</c>, <c>2m</c>, <c>1h</c> or a number of seconds.</summary>
    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        text = text.Trim();
        var (number, scale) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 0.001)
            : text.EndsWith('s') ? (text[..^1], 1.0)
            : text.EndsWith('m') ? (text[..^1], 60.0)
            : text.EndsWith('h') ? (text[..^1], 3600.0)
            : (text, 1.0);
        if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0)
        {
            duration = TimeSpan.FromSeconds(value * scale);
            return true;
        }

        duration = default;
        return false;
    }
}

/// <summary>Which containers a <see cref="ContainerBehavior"/> applies to; every given part must match.</summary>
public sealed record BehaviorMatch
{
    /// <summary>An image reference (normalised before comparing), or null for any image.</summary>
    public string? Image { get; init; }

    /// <summary>A container name, or null for any.</summary>
    public string? ContainerName { get; init; }

    /// <summary>Labels the container must carry.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Annotations the container must carry.</summary>
    public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>();
}

/// <summary>A log line a behaviour writes every <paramref name="Every"/>.</summary>
public sealed record ScheduledLogLine(TimeSpan Every, string Line, bool Stderr);

/// <summary>An HTTP server a behaviour runs: every request to <paramref name="Port"/> gets this status and body.</summary>
public sealed record HttpEndpoint(int Port, string Body, int Status);

/// <summary>A canned ExecSync answer.</summary>
public sealed record ExecAnswer(IReadOnlyList<string> Command, string Stdout, string Stderr, int ExitCode);
