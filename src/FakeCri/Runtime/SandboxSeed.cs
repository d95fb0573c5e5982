using FakeCri.Cri.V1;

namespace FakeCri.Runtime;

/// <summary>
/// A pod sandbox to put into the runtime directly, as if a kubelet had run it before the test began.
/// </summary>
/// <example><c>cri.Runtime.SeedSandbox(SandboxSeed.For("web").NotReady())</c></example>
public sealed record SandboxSeed
{
    /// <summary>The sandbox config, as RunPodSandbox would have received it (metadata required).</summary>
    public required PodSandboxConfig Config { get; init; }

    /// <summary>READY (the default) or NOTREADY (stopped: no IP, its containers exited).</summary>
    public PodSandboxState State { get; init; } = PodSandboxState.SandboxReady;

    /// <summary>The runtime handler; must be one the fake is configured with.</summary>
    public string RuntimeHandler { get; init; } = string.Empty;

    /// <summary>When it was created; null means now.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>A seed for pod <paramref name="name"/> in <paramref name="namespace"/>; the UID defaults to <c>&lt;namespace&gt;-&lt;name&gt;-uid</c>.</summary>
    public static SandboxSeed For(string name, string @namespace = "default", string? uid = null, uint attempt = 0) => new()
    {
        Config = new PodSandboxConfig
        {
            Metadata = new PodSandboxMetadata { Name = name, Namespace = @namespace, Uid = uid ?? $"{@namespace}-{name}-uid", Attempt = attempt },
            Hostname = name,
            LogDirectory = string.Empty,
        },
    };

    /// <summary>This seed, stopped.</summary>
    public SandboxSeed NotReady() => this with { State = PodSandboxState.SandboxNotready };

    /// <summary>This seed, created at <paramref name="createdAt"/>.</summary>
    public SandboxSeed CreatedOn(DateTimeOffset createdAt) => this with { CreatedAt = createdAt };

    /// <summary>This seed with a label added.</summary>
    public SandboxSeed WithLabel(string key, string value)
    {
        var config = Config.Clone();
        config.Labels[key] = value;
        return this with { Config = config };
    }
}
