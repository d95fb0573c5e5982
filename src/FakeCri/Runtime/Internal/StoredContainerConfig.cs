using FakeCri.Cri.V1;
using Google.Protobuf;

namespace FakeCri.Runtime.Internal;

/// <summary>
/// A stored container's config (the create request's, privately copied), kept compact: what statuses, lists and
/// stats read on every call as objects (metadata, image, labels, annotations, mounts, the resources and the stdin
/// flags), everything else as its protobuf bytes, which only the verbose status and checkpoints read, through
/// <see cref="ToMessage"/>. As a message graph a kubelet-like config was ~3.4 KiB of every container, most of it
/// empty repeated fields and maps and the security context. Never changed after construction.
/// </summary>
internal sealed class StoredContainerConfig
{
    private readonly byte[] _rest;

    /// <summary>Takes <paramref name="config"/> over (a private copy): its parts are kept, and it is left emptied.</summary>
    public StoredContainerConfig(ContainerConfig config)
    {
        Metadata = config.Metadata;
        Image = config.Image;
        Labels = new CompactStringMap(config.Labels);
        Annotations = new CompactStringMap(config.Annotations);
        Mounts = config.Mounts.ToArray();
        Resources = config.Linux?.Resources;
        StdinOnce = config.StdinOnce;
        Tty = config.Tty;

        config.Metadata = null;
        config.Image = null;
        config.Labels.Clear();
        config.Annotations.Clear();
        config.Mounts.Clear();
        if (config.Linux is { } linux)
        {
            linux.Resources = null;
        }

        _rest = config.ToByteArray();
    }

    public ContainerMetadata Metadata { get; }

    public ImageSpec Image { get; }

    public CompactStringMap Labels { get; }

    public CompactStringMap Annotations { get; }

    public IReadOnlyList<Mount> Mounts { get; }

    /// <summary>The config's <c>linux.resources</c>, if any.</summary>
    public LinuxContainerResources? Resources { get; }

    public bool StdinOnce { get; }

    public bool Tty { get; }

    /// <summary>The whole config again, as a new message equal to the one taken over.</summary>
    public ContainerConfig ToMessage()
    {
        var config = ContainerConfig.Parser.ParseFrom(_rest);
        config.Metadata = Metadata?.Clone();
        config.Image = Image?.Clone();
        config.Labels.Add(Labels);
        config.Annotations.Add(Annotations);
        config.Mounts.Add(Mounts.Select(m => m.Clone()));
        if (Resources is not null)
        {
            config.Linux.Resources = Resources.Clone();
        }

        return config;
    }
}
