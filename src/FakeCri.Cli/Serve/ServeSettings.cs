using FakeCri.Cri.V1;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace FakeCri.Cli.Serve;

/// <summary>
/// What <c>fakecri serve</c> runs with, resolved from the configuration layers (flags over <c>FAKECRI_*</c>
/// environment variables over the <c>--config</c> file over defaults).
/// </summary>
internal sealed record ServeSettings(
    IReadOnlyList<FakeCriEndpoint> Listen,
    LogLevel LogLevel,
    CgroupDriver CgroupDriver,
    IReadOnlyList<string> RuntimeHandlers,
    int Seed,
    string PodCidr,
    bool StrictImages,
    string SandboxImage,
    IReadOnlyList<FakeCri.Behaviors.ContainerBehavior> Behaviors,
    FakeCri.Scenarios.Scenario? Scenario = null,
    bool VirtualClock = false,
    bool PodNetwork = true,
    System.Net.IPAddress? StreamingAddress = null,
    int StreamingPort = 0)
{
    /// <summary>Reads the settings; <see cref="SettingsException"/> names the bad key and value.</summary>
    public static ServeSettings Resolve(IConfiguration configuration, Func<FakeCriEndpoint> defaultEndpoint, string? configFile = null)
    {
        var listen = ReadList(configuration, ServeKeys.Listen)
            .Select(text => FakeCriEndpoint.TryParse(text, out var endpoint, out var error)
                ? endpoint
                : throw new SettingsException($"{ServeKeys.Listen}: {error}"))
            .ToArray();
        if (listen.Length == 0)
        {
            listen = [defaultEndpoint()];
        }

        var handlers = configuration.GetSection(ServeKeys.RuntimeHandlers).Exists()
            ? ReadList(configuration, ServeKeys.RuntimeHandlers)
            : FakeCriOptions.Default.RuntimeHandlers;

        var defaults = FakeCriOptions.Default;
        var podCidr = configuration[ServeKeys.PodCidr] is { Length: > 0 } cidr ? cidr.Trim() : defaults.PodCidr;
        if (!System.Net.IPNetwork.TryParse(podCidr, out var network)
            || network.BaseAddress.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork
            || network.PrefixLength > 30)
        {
            throw new SettingsException($"{ServeKeys.PodCidr}: \"{podCidr}\" is not an IPv4 network with room for pods (e.g. 127.88.0.0/16)");
        }

        var sandboxImage = configuration[ServeKeys.SandboxImage] is { Length: > 0 } image ? image.Trim() : defaults.SandboxImage;
        if (!Images.ImageReference.TryParse(sandboxImage, out _, out var imageError))
        {
            throw new SettingsException($"{ServeKeys.SandboxImage}: {imageError}");
        }

        var streamingAddress = defaults.StreamingAddress;
        if (configuration[ServeKeys.StreamingAddress] is { Length: > 0 } addressText && !System.Net.IPAddress.TryParse(addressText.Trim(), out streamingAddress))
        {
            throw new SettingsException($"{ServeKeys.StreamingAddress}: \"{addressText}\" is not an IP address (containerd's default is 127.0.0.1)");
        }

        var streamingPort = ParseInt(configuration[ServeKeys.StreamingPort], ServeKeys.StreamingPort, defaults.StreamingPort);
        if (streamingPort is < 0 or > 65535)
        {
            throw new SettingsException($"{ServeKeys.StreamingPort}: {streamingPort} is not a TCP port (0 picks a free one)");
        }

        var behaviors = LoadBehaviors(configuration[ServeKeys.Behaviors], configFile);
        var scenario = LoadScenario(configuration[ServeKeys.Scenario], configFile);

        return new ServeSettings(
            listen,
            ParseLogLevel(configuration[ServeKeys.LogLevel]),
            ParseCgroupDriver(configuration[ServeKeys.CgroupDriver]),
            handlers.Distinct(StringComparer.Ordinal).ToArray(),
            ParseInt(configuration[ServeKeys.Seed], ServeKeys.Seed, defaults.Seed),
            podCidr,
            ParseBool(configuration[ServeKeys.StrictImages], ServeKeys.StrictImages),
            sandboxImage,
            behaviors,
            scenario,
            ParseBool(configuration[ServeKeys.VirtualClock], ServeKeys.VirtualClock),
            configuration[ServeKeys.PodNetwork] is null || ParseBool(configuration[ServeKeys.PodNetwork], ServeKeys.PodNetwork),
            streamingAddress,
            streamingPort);
    }

    /// <summary>The runtime options these settings describe.</summary>
    public FakeCriOptions ToOptions(ILoggerFactory loggerFactory) => FakeCriOptions.Default with
    {
        Listen = Listen,
        CgroupDriver = CgroupDriver,
        RuntimeHandlers = RuntimeHandlers,
        Seed = Seed,
        PodCidr = PodCidr,
        StrictImages = StrictImages,
        SandboxImage = SandboxImage,
        Behaviors = Behaviors,
        Scenarios = Scenario is null ? [] : [Scenario],
        PodNetwork = PodNetwork,
        StreamingAddress = StreamingAddress ?? FakeCriOptions.Default.StreamingAddress,
        StreamingPort = StreamingPort,
        // A virtual clock starts at the real time of start-up, so timestamps look plausible, and then moves only
        // when told to (fakecri clock advance).
        TimeProvider = VirtualClock ? new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow) : TimeProvider.System,
        LoggerFactory = loggerFactory,
    };

    // A list is either one scalar (flags and environment variables: comma-separated) or, from a config file,
    // an array. A scalar from a higher layer hides an array from the file, so layers replace lists whole
    // instead of merging them index by index.
    private static IReadOnlyList<string> ReadList(IConfiguration configuration, string key)
    {
        var section = configuration.GetSection(key);
        var values = section.Value is { } scalar
            ? scalar.Split(',')
            : section.GetChildren().Select(child => child.Value ?? string.Empty);
        return values.Select(v => v.Trim()).Where(v => v.Length > 0).ToArray();
    }

    /// <summary>Loads a scenario document; a relative path is tried against the config file's directory too.</summary>
    private static FakeCri.Scenarios.Scenario? LoadScenario(string? path, string? configFile)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }

        var candidate = Locate(path, configFile)
            ?? throw new SettingsException($"{ServeKeys.Scenario}: scenario file {path} does not exist");
        try
        {
            return FakeCri.Scenarios.ScenarioDocument.Load(candidate);
        }
        catch (FormatException error)
        {
            throw new SettingsException($"{ServeKeys.Scenario}: {error.Message}", error);
        }
    }

    private static string? Locate(string path, string? configFile)
    {
        var candidate = Path.GetFullPath(path);
        if (!File.Exists(candidate) && configFile is not null && !Path.IsPathRooted(path))
        {
            candidate = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(configFile))!, path);
        }

        return File.Exists(candidate) ? candidate : null;
    }

    /// <summary>Loads a behaviours document; a relative path is tried against the config file's directory too.</summary>
    private static IReadOnlyList<FakeCri.Behaviors.ContainerBehavior> LoadBehaviors(string? path, string? configFile)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return [];
        }

        var candidate = Locate(path, configFile)
            ?? throw new SettingsException($"{ServeKeys.Behaviors}: behaviours file {path} does not exist");
        try
        {
            return FakeCri.Behaviors.ContainerBehaviorDocument.Load(candidate);
        }
        catch (FormatException error)
        {
            throw new SettingsException($"{ServeKeys.Behaviors}: {candidate}: {error.Message}", error);
        }
    }

    private static int ParseInt(string? text, string key, int fallback) =>
        string.IsNullOrWhiteSpace(text) ? fallback
        : int.TryParse(text.Trim(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value
        : throw new SettingsException($"{key}: \"{text}\" is not a whole number");

    private static bool ParseBool(string? text, string key) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" or "false" or "0" or "no" => false,
        "true" or "1" or "yes" => true,
        _ => throw new SettingsException($"{key}: \"{text}\" is not true or false"),
    };

    private static LogLevel ParseLogLevel(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" or "info" or "information" => LogLevel.Information,
        "trace" => LogLevel.Trace,
        "debug" => LogLevel.Debug,
        "warn" or "warning" => LogLevel.Warning,
        "error" => LogLevel.Error,
        "critical" or "fatal" => LogLevel.Critical,
        "none" or "off" => LogLevel.None,
        _ => throw new SettingsException(
            $"{ServeKeys.LogLevel}: \"{text}\" is not a log level (trace, debug, info, warn, error, critical, none)"),
    };

    private static CgroupDriver ParseCgroupDriver(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" or "systemd" => CgroupDriver.Systemd,
        "cgroupfs" => CgroupDriver.Cgroupfs,
        _ => throw new SettingsException(
            $"{ServeKeys.CgroupDriver}: \"{text}\" is not a cgroup driver (systemd, cgroupfs)"),
    };
}
