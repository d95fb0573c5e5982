using FakeCri.Cri.V1;
using Google.Protobuf;

namespace FakeCri.Runtime.Internal;

/// <summary>
/// A stored sandbox's config (RunPodSandbox's, privately copied), kept compact like
/// <see cref="StoredContainerConfig"/>: what statuses, lists, events and stats read as objects (metadata, labels,
/// annotations, namespace options, port mappings), everything else as its protobuf bytes, which only the verbose
/// status and seeding read, through <see cref="ToMessage"/>. Never changed after construction.
/// </summary>
internal sealed class StoredSandboxConfig
{
    private readonly byte[] _rest;

    /// <summary>Takes <paramref name="config"/> over (a private copy): its parts are kept, and it is left emptied.</summary>
    public StoredSandboxConfig(PodSandboxConfig config)
    {
        Metadata = config.Metadata;
        Labels = new CompactStringMap(config.Labels);
        Annotations = new CompactStringMap(config.Annotations);
        PortMappings = config.PortMappings.ToArray();
        NamespaceOptions = config.Linux?.SecurityContext?.NamespaceOptions;

        config.Metadata = null;
        config.Labels.Clear();
        config.Annotations.Clear();
        config.PortMappings.Clear();
        if (config.Linux?.SecurityContext is { } security)
        {
            security.NamespaceOptions = null;
        }

        _rest = config.ToByteArray();
    }

    public PodSandboxMetadata Metadata { get; }

    public CompactStringMap Labels { get; }

    public CompactStringMap Annotations { get; }

    public IReadOnlyList<PortMapping> PortMappings { get; }

    /// <summary>The config's <c>linux.security_context.namespace_options</c>, if any.</summary>
    public NamespaceOption? NamespaceOptions { get; }

    /// <summary>The whole config again, as a new message equal to the one taken over.</summary>
    public PodSandboxConfig ToMessage()
    {
        var config = PodSandboxConfig.Parser.ParseFrom(_rest);
        config.Metadata = Metadata?.Clone();
        config.Labels.Add(Labels);
        config.Annotations.Add(Annotations);
        config.PortMappings.Add(PortMappings.Select(p => p.Clone()));
        if (NamespaceOptions is not null)
        {
            config.Linux.SecurityContext.NamespaceOptions = NamespaceOptions.Clone();
        }

        return config;
    }
}
