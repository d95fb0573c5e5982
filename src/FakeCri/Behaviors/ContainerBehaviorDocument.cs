using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace FakeCri.Behaviors;

/// <summary>
/// Declared behaviours as versioned data, in YAML (or JSON, which YAML reads too):
/// <code>
/// apiVersion: fakecri.io/v1alpha1
/// kind: ContainerBehaviors
/// behaviors:
///   - match: { image: busybox, name: app, labels: { tier: web }, annotations: {} }
///     exitAfter: 5s          # run this long (250ms, 5s, 2m, 1h), then exit
///     exitCode: 1            # with this code
///     oomKilled: false       # exit as an OOM kill (137, OOMKilled)
///     failToStart: "..."     # StartContainer fails with this message
///     ignoreSigterm: false   # SIGKILL at the end of the grace period
///     logs: [ { every: 1s, line: hello, stream: stdout } ]
///     exec: [ { command: [cat, /ready], stdout: "ok\n", stderr: "", exitCode: 0 } ]
/// </code>
/// Unknown keys are errors, so a typo never silently disables a behaviour.
/// </summary>
public static class ContainerBehaviorDocument
{
    /// <summary>The version this reader understands.</summary>
    public const string ApiVersion = "fakecri.io/v1alpha1";

    /// <summary>The document kind.</summary>
    public const string Kind = "ContainerBehaviors";

    /// <summary>Reads a behaviours document; <see cref="FormatException"/> names the line and the problem.</summary>
    public static IReadOnlyList<ContainerBehavior> Parse(string text)
    {
        var deserializer = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build();
        Document? document;
        try
        {
            document = deserializer.Deserialize<Document?>(text);
        }
        catch (YamlException error)
        {
            throw new FormatException($"behaviours document, line {error.Start.Line}: {(error.InnerException ?? error).Message}", error);
        }

        if (document is null)
        {
            throw new FormatException("behaviours document is empty");
        }

        if (document.ApiVersion != ApiVersion || document.Kind != Kind)
        {
            throw new FormatException(
                $"behaviours document must start with apiVersion: {ApiVersion} and kind: {Kind} (found \"{document.ApiVersion}\", \"{document.Kind}\")");
        }

        return document.Behaviors.Select((entry, index) => entry.ToBehavior(index)).ToArray();
    }

    /// <summary>Reads a behaviours file.</summary>
    public static IReadOnlyList<ContainerBehavior> Load(string path) => Parse(File.ReadAllText(path));

    private static TimeSpan? Duration(string? text, string field, int index)
    {
        if (text is null)
        {
            return null;
        }

        return ContainerBehavior.TryParseDuration(text, out var duration)
            ? duration
            : throw new FormatException($"behaviors[{index}].{field}: \"{text}\" is not a duration (250ms, 5s, 2m, 1h)");
    }

    private sealed class Document
    {
        public string? ApiVersion { get; set; }

        public string? Kind { get; set; }

        public List<Entry> Behaviors { get; set; } = [];
    }

    internal sealed class Entry
    {
        public MatchEntry Match { get; set; } = new();

        public string? ExitAfter { get; set; }

        public int ExitCode { get; set; }

        public bool OomKilled { get; set; }

        public string? FailToStart { get; set; }

        public bool IgnoreSigterm { get; set; }

        public List<LogEntry> Logs { get; set; } = [];

        public List<ExecEntry> Exec { get; set; } = [];

        public List<HttpEntry> Http { get; set; } = [];

        public ContainerBehavior ToBehavior(int index)
        {
            var exitAfter = Duration(ExitAfter, "exitAfter", index);
            return new ContainerBehavior
            {
                Match = new BehaviorMatch
                {
                    Image = Match.Image,
                    ContainerName = Match.Name,
                    Labels = Match.Labels,
                    Annotations = Match.Annotations,
                },
                ExitAfter = exitAfter ?? (OomKilled ? TimeSpan.Zero : null),
                ExitCode = ExitCode,
                OomKilled = OomKilled,
                FailToStart = FailToStart,
                IgnoreSigterm = IgnoreSigterm,
                Logs = Logs.Select((log, i) => new ScheduledLogLine(
                    Duration(log.Every, $"logs[{i}].every", index) is { } every && every > TimeSpan.Zero
                        ? every
                        : throw new FormatException($"behaviors[{index}].logs[{i}].every must be a positive duration"),
                    log.Line,
                    log.Stream switch
                    {
                        "stdout" => false,
                        "stderr" => true,
                        _ => throw new FormatException($"behaviors[{index}].logs[{i}].stream must be stdout or stderr"),
                    })).ToArray(),
                Exec = Exec.Select(e => new ExecAnswer(e.Command, e.Stdout, e.Stderr, e.ExitCode)).ToArray(),
                Http = Http.Select((h, i) => h.Port is > 0 and < 65536
                    ? new HttpEndpoint(h.Port, h.Body, h.Status is >= 100 and < 600 ? h.Status : throw new FormatException($"behaviors[{index}].http[{i}].status: {h.Status} is not an HTTP status (100-599)"))
                    : throw new FormatException($"behaviors[{index}].http[{i}].port: {h.Port} is not a TCP port (1-65535)")).ToArray(),
            };
        }
    }

    internal sealed class HttpEntry
    {
        public int Port { get; set; }

        public string Body { get; set; } = "ok\n";

        public int Status { get; set; } = 200;
    }

    internal sealed class MatchEntry
    {
        public string? Image { get; set; }

        public string? Name { get; set; }

        public Dictionary<string, string> Labels { get; set; } = [];

        public Dictionary<string, string> Annotations { get; set; } = [];
    }

    internal sealed class LogEntry
    {
        public string? Every { get; set; }

        public string Line { get; set; } = string.Empty;

        public string Stream { get; set; } = "stdout";
    }

    internal sealed class ExecEntry
    {
        public List<string> Command { get; set; } = [];

        public string Stdout { get; set; } = string.Empty;

        public string Stderr { get; set; } = string.Empty;

        public int ExitCode { get; set; }
    }
}
