using System.Globalization;
using FakeCri.Behaviors;
using FakeCri.Cri.V1;
using FakeCri.Faults;
using FakeCri.Images;
using FakeCri.Runtime;
using FakeCri.Scenarios.Internal;
using Grpc.Core;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace FakeCri.Scenarios;

/// <summary>
/// Scenarios as versioned data, in YAML (or JSON):
/// <code>
/// apiVersion: fakecri.io/v1alpha1
/// kind: Scenario
/// images:
///   catalog: [ { references: [example.com/app:1], size: 1048576, user: "1001", cmd: [app] } ]
///   present: [busybox, nginx:1.27]
/// behaviors: [ { match: { name: app }, exitAfter: 5s, exitCode: 1 } ]   # as in ContainerBehaviors
/// faults: [ { method: PullImage, kind: fail, code: Unavailable, message: registry down, times: 2,
///             latency: 3s, probability: 0.1, match: { pod: web, namespace: shop, container: app, image: nginx } } ]
/// conditions: [ { type: NetworkReady, status: false, reason: NetworkPluginNotReady, message: "..." } ]
/// pods:
///   - { name: web, namespace: shop, uid: u1, attempt: 0, state: ready, labels: {}, annotations: {},
///       containers: [ { name: app, image: nginx, command: [nginx], args: [], attempt: 0,
///                       state: running, exitCode: 0, reason: "" } ] }
/// </code>
/// Unknown keys and bad values are errors naming the source, line and field.
/// </summary>
public static class ScenarioDocument
{
    /// <summary>The version this reader understands.</summary>
    public const string ApiVersion = "fakecri.io/v1alpha1";

    /// <summary>The document kind.</summary>
    public const string Kind = "Scenario";

    /// <summary>
    /// Reads a scenario. <paramref name="source"/> names the text in errors (a file path, or <c>scenario</c>).
    /// </summary>
    /// <exception cref="FormatException"><c>source:line: field: problem</c>.</exception>
    public static Scenario Parse(string text, string source = "scenario")
    {
        ArgumentNullException.ThrowIfNull(text);
        var deserializer = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build();
        Document? document;
        try
        {
            document = deserializer.Deserialize<Document?>(text);
        }
        catch (YamlException error)
        {
            throw new FormatException($"{source}:{error.Start.Line}: {(error.InnerException ?? error).Message}", error);
        }

        if (document is null)
        {
            throw new FormatException($"{source}: the scenario is empty");
        }

        FormatException Error(string path, string problem) =>
            new($"{source}:{YamlLocator.LineOf(text, path) ?? 1}: {path}: {problem}");

        if (document.ApiVersion != ApiVersion)
        {
            throw Error("apiVersion", $"must be {ApiVersion}, not \"{document.ApiVersion}\"");
        }

        if (document.Kind != Kind)
        {
            throw Error("kind", $"must be {Kind}, not \"{document.Kind}\"");
        }

        List<ContainerBehavior> behaviors = [];
        for (var i = 0; i < document.Behaviors.Count; i++)
        {
            try
            {
                behaviors.Add(document.Behaviors[i].ToBehavior(i));
            }
            catch (FormatException error)
            {
                var colon = error.Message.IndexOf(':', StringComparison.Ordinal);
                var path = colon > 0 && !error.Message[..colon].Contains(' ', StringComparison.Ordinal) ? error.Message[..colon] : $"behaviors[{i}]";
                throw Error(path, colon > 0 ? error.Message[(colon + 1)..].Trim() : error.Message);
            }
        }

        return new Scenario
        {
            CatalogImages = document.Images.Catalog.Select((image, i) => image.ToCatalogImage($"images.catalog[{i}]", Error)).ToArray(),
            Images = document.Images.Present.Select((reference, i) => ImageReference.TryParse(reference, out _, out var problem)
                ? reference
                : throw Error($"images.present[{i}]", problem)).ToArray(),
            Behaviors = behaviors,
            Faults = document.Faults.Select((fault, i) => fault.ToRule($"faults[{i}]", Error)).ToArray(),
            Conditions = document.Conditions.Select((c, i) => new ScenarioCondition(
                string.IsNullOrEmpty(c.Type) ? throw Error($"conditions[{i}].type", "is required") : c.Type, c.Status, c.Reason, c.Message)).ToArray(),
            Pods = document.Pods.Select((pod, i) => pod.ToPod($"pods[{i}]", Error)).ToArray(),
        };
    }

    /// <summary>Reads a scenario file; errors name the file.</summary>
    public static Scenario Load(string path) => Parse(File.ReadAllText(path), path);

    private static TimeSpan? Duration(string? text, string path, Func<string, string, FormatException> error) =>
        text is null ? null
        : ContainerBehavior.TryParseDuration(text, out var duration) ? duration
        : throw error(path, $"\"{text}\" is not a duration (250ms, 5s, 2m, 1h)");

    private sealed class Document
    {
        public string? ApiVersion { get; set; }

        public string? Kind { get; set; }

        public ImagesEntry Images { get; set; } = new();

        public List<ContainerBehaviorDocument.Entry> Behaviors { get; set; } = [];

        public List<FaultEntry> Faults { get; set; } = [];

        public List<ConditionEntry> Conditions { get; set; } = [];

        public List<PodEntry> Pods { get; set; } = [];
    }

    private sealed class ImagesEntry
    {
        public List<CatalogEntry> Catalog { get; set; } = [];

        public List<string> Present { get; set; } = [];
    }

    private sealed class CatalogEntry
    {
        public List<string> References { get; set; } = [];

        public ulong Size { get; set; } = 1 << 20;

        public string User { get; set; } = string.Empty;

        public List<string>? Env { get; set; }

        public List<string> Entrypoint { get; set; } = [];

        public List<string> Cmd { get; set; } = [];

        public string WorkingDir { get; set; } = string.Empty;

        public string? StopSignal { get; set; }

        public Dictionary<string, string> Labels { get; set; } = [];

        public CatalogImage ToCatalogImage(string path, Func<string, string, FormatException> error)
        {
            if (References.Count == 0)
            {
                throw error($"{path}.references", "needs at least one reference");
            }

            for (var i = 0; i < References.Count; i++)
            {
                if (!ImageReference.TryParse(References[i], out _, out var problem))
                {
                    throw error($"{path}.references[{i}]", problem);
                }
            }

            if (Size == 0)
            {
                throw error($"{path}.size", "must be greater than 0");
            }

            var image = new CatalogImage
            {
                References = References,
                Size = Size,
                User = User,
                Entrypoint = Entrypoint,
                Cmd = Cmd,
                WorkingDir = WorkingDir,
                StopSignal = StopSignal,
                Labels = Labels,
            };
            return Env is null ? image : image with { Env = Env };
        }
    }

    private sealed class FaultEntry
    {
        public string Method { get; set; } = FaultRule.AnyMethod;

        public string Kind { get; set; } = "fail";

        public string Code { get; set; } = "Unavailable";

        public string Message { get; set; } = string.Empty;

        public string? Latency { get; set; }

        public double Probability { get; set; }

        public int? Times { get; set; }

        public MatchEntry Match { get; set; } = new();

        public FaultRule ToRule(string path, Func<string, string, FormatException> error)
        {
            var kind = Kind.ToLowerInvariant() switch
            {
                "fail" => FaultKind.Fail,
                "delay" => FaultKind.Delay,
                "chaos" => FaultKind.Chaos,
                _ => throw error($"{path}.kind", $"\"{Kind}\" is not one of fail, delay, chaos"),
            };
            if (!System.Enum.TryParse<StatusCode>(Code.Replace("_", string.Empty, StringComparison.Ordinal), ignoreCase: true, out var code)
                || int.TryParse(Code, CultureInfo.InvariantCulture, out _))
            {
                throw error($"{path}.code", $"\"{Code}\" is not a gRPC status code name (e.g. Unavailable, NotFound, DeadlineExceeded)");
            }

            if (Times is < 1)
            {
                throw error($"{path}.times", "must be at least 1");
            }

            if (kind == FaultKind.Chaos && Probability is < 0 or > 1)
            {
                throw error($"{path}.probability", "must be between 0 and 1");
            }

            var latency = Duration(Latency, $"{path}.latency", error);
            if (kind == FaultKind.Delay && latency is null)
            {
                throw error($"{path}.latency", "a delay needs a latency");
            }

            return new FaultRule
            {
                Method = Method,
                Kind = kind,
                Code = kind == FaultKind.Delay ? StatusCode.OK : code,
                Message = Message.Length > 0 || kind != FaultKind.Chaos ? Message : $"chaos: injected {code} failure",
                Latency = latency ?? TimeSpan.Zero,
                Probability = Probability,
                Times = Times,
                Match = new FaultMatch { PodName = Match.Pod, PodNamespace = Match.Namespace, ContainerName = Match.Container, Image = Match.Image },
            };
        }
    }

    private sealed class MatchEntry
    {
        public string? Pod { get; set; }

        public string? Namespace { get; set; }

        public string? Container { get; set; }

        public string? Image { get; set; }
    }

    private sealed class ConditionEntry
    {
        public string Type { get; set; } = string.Empty;

        public bool Status { get; set; }

        public string Reason { get; set; } = string.Empty;

        public string Message { get; set; } = string.Empty;
    }

    private sealed class PodEntry
    {
        public string Name { get; set; } = string.Empty;

        public string Namespace { get; set; } = "default";

        public string? Uid { get; set; }

        public uint Attempt { get; set; }

        public string State { get; set; } = "ready";

        public string RuntimeHandler { get; set; } = string.Empty;

        public bool HostNetwork { get; set; }

        public Dictionary<string, string> Labels { get; set; } = [];

        public Dictionary<string, string> Annotations { get; set; } = [];

        public List<ContainerEntry> Containers { get; set; } = [];

        public ScenarioPod ToPod(string path, Func<string, string, FormatException> error)
        {
            if (Name.Length == 0)
            {
                throw error($"{path}.name", "is required");
            }

            var seed = SandboxSeed.For(Name, Namespace, Uid, Attempt) with
            {
                RuntimeHandler = RuntimeHandler,
                State = State.ToLowerInvariant() switch
                {
                    "ready" => PodSandboxState.SandboxReady,
                    "notready" => PodSandboxState.SandboxNotready,
                    _ => throw error($"{path}.state", $"\"{State}\" is not one of ready, notready"),
                },
            };
            seed.Config.Labels.Add(Labels);
            seed.Config.Annotations.Add(Annotations);
            if (HostNetwork)
            {
                seed.Config.Linux = new LinuxPodSandboxConfig
                {
                    SecurityContext = new LinuxSandboxSecurityContext { NamespaceOptions = new NamespaceOption { Network = NamespaceMode.Node } },
                };
            }

            return new ScenarioPod(seed, Containers.Select((c, i) => c.ToSeed($"{path}.containers[{i}]", seed.State, error)).ToArray());
        }
    }

    private sealed class ContainerEntry
    {
        public string Name { get; set; } = string.Empty;

        public string Image { get; set; } = "busybox";

        public List<string> Command { get; set; } = [];

        public List<string> Args { get; set; } = [];

        public uint Attempt { get; set; }

        public string State { get; set; } = "running";

        public int ExitCode { get; set; }

        public string? Reason { get; set; }

        public Dictionary<string, string> Labels { get; set; } = [];

        public Dictionary<string, string> Annotations { get; set; } = [];

        public ContainerSeed ToSeed(string path, PodSandboxState podState, Func<string, string, FormatException> error)
        {
            if (Name.Length == 0)
            {
                throw error($"{path}.name", "is required");
            }

            if (!ImageReference.TryParse(Image, out _, out var problem))
            {
                throw error($"{path}.image", problem);
            }

            var state = State.ToLowerInvariant() switch
            {
                "created" => ContainerState.ContainerCreated,
                "running" => ContainerState.ContainerRunning,
                "exited" => ContainerState.ContainerExited,
                _ => throw error($"{path}.state", $"\"{State}\" is not one of created, running, exited"),
            };
            if (state == ContainerState.ContainerRunning && podState != PodSandboxState.SandboxReady)
            {
                throw error($"{path}.state", "a running container needs a ready pod");
            }

            var config = new ContainerConfig
            {
                Metadata = new ContainerMetadata { Name = Name, Attempt = Attempt },
                Image = new ImageSpec { Image = Image },
                Command = { Command },
                Args = { Args },
            };
            config.Labels.Add(Labels);
            config.Annotations.Add(Annotations);
            return new ContainerSeed { PodSandboxId = string.Empty, Config = config, State = state, ExitCode = ExitCode, Reason = Reason };
        }
    }
}
