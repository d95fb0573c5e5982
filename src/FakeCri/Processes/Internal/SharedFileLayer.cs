namespace FakeCri.Processes.Internal;

/// <summary>
/// Files and directories that several containers' file systems start from: an image's skeleton and the files the
/// runtime writes into it. Immutable. An <see cref="EmulatedFileSystem"/> reads through to its layer and keeps its
/// own writes and deletions apart (copy-on-write), so what one container changes no other sees. Shared because a
/// private copy of these ~25 nodes in every container was most of its emulated file system's memory.
/// </summary>
internal sealed class SharedFileLayer
{
    private readonly Dictionary<string, string?> _nodes;

    private SharedFileLayer(Dictionary<string, string?> nodes)
    {
        _nodes = nodes;
        foreach (var content in nodes.Values)
        {
            FileChars += content?.Length ?? 0;
        }
    }

    /// <summary>Only the root directory: what a new, empty file system holds.</summary>
    public static SharedFileLayer Root { get; } = new(new Dictionary<string, string?>(StringComparer.Ordinal) { ["/"] = null });

    /// <summary>Path → content: the file's text, or null for a directory.</summary>
    public IReadOnlyDictionary<string, string?> Nodes => _nodes;

    /// <summary>The characters of every file together (what <see cref="EmulatedFileSystem.WrittenBytes"/> counts).</summary>
    public long FileChars { get; }

    /// <summary>Freezes <paramref name="nodes"/> (normalised paths; null content for a directory), root included.</summary>
    public static SharedFileLayer From(IEnumerable<KeyValuePair<string, string?>> nodes) =>
        new(new Dictionary<string, string?>(nodes, StringComparer.Ordinal));

    /// <summary>Looks up one node: true when <paramref name="path"/> exists, with null content for a directory.</summary>
    public bool TryGet(string path, out string? content) => _nodes.TryGetValue(path, out content);
}
