namespace FakeCri.Cli.Serve;

/// <summary>
/// The settings of <c>fakecri serve</c>, one name per layer: the config-file key, the environment variable and
/// the flag. Keeping them side by side is what makes the precedence rules checkable.
/// </summary>
internal static class ServeKeys
{
    public const string Listen = "listen";
    public const string LogLevel = "logLevel";
    public const string CgroupDriver = "cgroupDriver";
    public const string RuntimeHandlers = "runtimeHandlers";
    public const string Seed = "seed";
    public const string PodCidr = "podCidr";
    public const string StrictImages = "strictImages";
    public const string SandboxImage = "sandboxImage";
    public const string Behaviors = "behaviors";
    public const string Scenario = "scenario";
    public const string VirtualClock = "virtualClock";
    public const string PodNetwork = "podNetwork";
    public const string StreamingAddress = "streamingAddress";
    public const string StreamingPort = "streamingPort";

    /// <summary>Environment variable → config key. Lists are comma-separated.</summary>
    public static readonly IReadOnlyDictionary<string, string> EnvironmentVariables = new Dictionary<string, string>
    {
        ["FAKECRI_LISTEN"] = Listen,
        ["FAKECRI_LOG_LEVEL"] = LogLevel,
        ["FAKECRI_CGROUP_DRIVER"] = CgroupDriver,
        ["FAKECRI_RUNTIME_HANDLERS"] = RuntimeHandlers,
        ["FAKECRI_SEED"] = Seed,
        ["FAKECRI_POD_CIDR"] = PodCidr,
        ["FAKECRI_STRICT_IMAGES"] = StrictImages,
        ["FAKECRI_SANDBOX_IMAGE"] = SandboxImage,
        ["FAKECRI_BEHAVIORS"] = Behaviors,
        ["FAKECRI_SCENARIO"] = Scenario,
        ["FAKECRI_VIRTUAL_CLOCK"] = VirtualClock,
        ["FAKECRI_POD_NETWORK"] = PodNetwork,
        ["FAKECRI_STREAMING_ADDRESS"] = StreamingAddress,
        ["FAKECRI_STREAMING_PORT"] = StreamingPort,
    };

    /// <summary>The environment variable naming the config file when <c>--config</c> is not given.</summary>
    public const string ConfigEnvironmentVariable = "FAKECRI_CONFIG";
}
