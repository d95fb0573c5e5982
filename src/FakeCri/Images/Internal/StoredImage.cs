namespace FakeCri.Images.Internal;

/// <summary>A pulled image: its catalog entry and the references that name it in this runtime.</summary>
internal sealed class StoredImage
{
    public StoredImage(CatalogImage source, bool pinned)
    {
        Source = source;
        Pinned = pinned;
    }

    public string Id => Source.Id;

    public CatalogImage Source { get; }

    public bool Pinned { get; set; }

    /// <summary>Normalised <c>repo:tag</c> references, sorted as containerd lists them.</summary>
    public SortedSet<string> RepoTags { get; } = new(StringComparer.Ordinal);

    /// <summary><c>repo@sha256:...</c> references, sorted.</summary>
    public SortedSet<string> RepoDigests { get; } = new(StringComparer.Ordinal);
}
