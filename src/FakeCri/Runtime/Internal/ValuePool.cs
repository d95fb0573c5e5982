using FakeCri.Cri.V1;
using Google.Protobuf;
using Google.Protobuf.Collections;

namespace FakeCri.Runtime.Internal;

/// <summary>
/// One instance per distinct value for what the runtime keeps of each request: strings, and small messages that
/// are stored as they came and only ever read or cloned (a container's metadata, image spec, resources, user).
/// Every request is parsed into fresh objects, so each stored container held its own copies of the same label
/// keys, annotation values, mount paths, environment names, its pod's name and uid, and of the same image spec:
/// ~3 KiB of a kubelet-like container. Kept values are swapped for pooled equal ones, which no reader can tell
/// apart. Bounded: at <see cref="Capacity"/> entries the pool starts afresh (what was shared stays shared), and
/// large values are not pooled, so it never holds more than a few hundred KiB that nothing uses. Thread-safe.
/// </summary>
internal sealed class ValuePool
{
    public const int Capacity = 2048;

    /// <summary>Longer strings, and messages of more bytes, are kept as they are.</summary>
    public const int MaxLength = 256;

    private readonly Lock _gate = new();

    // Strings compare by their text, messages by their fields (protobuf value equality); a string never equals a message.
    private readonly Dictionary<object, object> _values = [];

    /// <summary>The pooled string equal to <paramref name="text"/> (pooling it if new).</summary>
    public string Share(string text)
    {
        lock (_gate)
        {
            return ShareLocked(text);
        }
    }

    /// <summary>
    /// Swaps the parts of a container config (a private copy) that stay objects once it is stored (metadata,
    /// image spec and resources whole; the strings of its labels, annotations and mounts) or that its context keeps
    /// (command line, working directory, environment names) for pooled ones. The rest is kept as bytes
    /// (<see cref="StoredContainerConfig"/>).
    /// </summary>
    public void ShareParts(ContainerConfig config)
    {
        lock (_gate)
        {
            ShareLocked(config.Command);
            ShareLocked(config.Args);
            config.WorkingDir = ShareLocked(config.WorkingDir);
            foreach (var variable in config.Envs)
            {
                variable.Key = ShareLocked(variable.Key);
            }

            foreach (var mount in config.Mounts)
            {
                mount.ContainerPath = ShareLocked(mount.ContainerPath);
                mount.HostPath = ShareLocked(mount.HostPath);
            }

            ShareLocked(config.Labels);
            ShareLocked(config.Annotations);
        }

        // Their strings are pooled by now; from here on they may be shared, so they are not changed any more.
        config.Metadata = Share(config.Metadata);
        config.Image = Share(config.Image);
        if (config.Linux is { } linux)
        {
            linux.Resources = Share(linux.Resources);
        }
    }

    /// <summary>
    /// Swaps the parts of a sandbox config (a private copy) that stay objects once it is stored (the strings of its
    /// metadata, labels and annotations, the namespace options) for pooled ones. The rest is kept as bytes
    /// (<see cref="StoredSandboxConfig"/>).
    /// </summary>
    public void ShareParts(PodSandboxConfig config)
    {
        lock (_gate)
        {
            if (config.Metadata is { } metadata)
            {
                metadata.Name = ShareLocked(metadata.Name);
                metadata.Namespace = ShareLocked(metadata.Namespace);
                metadata.Uid = ShareLocked(metadata.Uid);
            }

            ShareLocked(config.Labels);
            ShareLocked(config.Annotations);
        }

        if (config.Linux?.SecurityContext is { } security)
        {
            security.NamespaceOptions = Share(security.NamespaceOptions);
        }
    }

    /// <summary>
    /// The pooled message equal to <paramref name="message"/> (pooling it if new; null stays null). The caller
    /// must never change the message it gets, nor the one it gave: either may now be shared.
    /// </summary>
    public T? Share<T>(T? message)
        where T : class, IMessage<T>
    {
        if (message is null || message.CalculateSize() > MaxLength)
        {
            return message;
        }

        lock (_gate)
        {
            return (T)ShareLocked((object)message);
        }
    }

    private string ShareLocked(string text) =>
        text.Length == 0 || text.Length > MaxLength ? text : (string)ShareLocked((object)text);

    private object ShareLocked(object value)
    {
        if (_values.TryGetValue(value, out var shared))
        {
            return shared;
        }

        if (_values.Count >= Capacity)
        {
            _values.Clear();
        }

        _values.Add(value, value);
        return value;
    }

    private void ShareLocked(RepeatedField<string> texts)
    {
        for (var i = 0; i < texts.Count; i++)
        {
            texts[i] = ShareLocked(texts[i]);
        }
    }

    /// <summary>Keys and values both: the map is refilled in its order, which is what it is read and sent in.</summary>
    private void ShareLocked(MapField<string, string> map)
    {
        if (map.Count == 0)
        {
            return;
        }

        var pairs = map.ToArray();
        map.Clear();
        foreach (var (key, value) in pairs)
        {
            map.Add(ShareLocked(key), ShareLocked(value));
        }
    }
}
