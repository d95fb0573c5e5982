using System.Diagnostics.CodeAnalysis;
using FakeCri.Runtime.Internal;

namespace FakeCri.Images.Internal;

/// <summary>
/// containerd's CRI image store: images keyed by ID, each with a set of references (its ID, repo tags, repo
/// digests). A reference names one image; re-pulling a tag that now names another image moves it, and an image
/// left without references is gone. Not thread-safe: the runtime lock guards it.
/// </summary>
internal sealed class ImageStore
{
    private const string Sha256Prefix = "sha256:";
    private readonly InsertionOrderedMap<StoredImage> _images = new();
    private readonly Dictionary<string, string> _references = new(StringComparer.Ordinal);
    private readonly PrefixIndex _hexIds = new();

    public int Count => _images.Count;

    public InsertionOrderedMap<StoredImage> Images => _images;

    /// <summary>Records a pull of <paramref name="source"/> through <paramref name="requested"/>.</summary>
    public StoredImage Record(CatalogImage source, ImageReference requested, bool pinned)
    {
        if (!_images.TryGet(source.Id, out var image))
        {
            image = new StoredImage(source, pinned);
            _images.Add(source.Id, image);
            _hexIds.Add(source.Id[Sha256Prefix.Length..]);
        }

        image.Pinned |= pinned;
        if (requested.Tag is not null)
        {
            Point(requested.ToString(), image, isTag: true);
        }

        var digest = requested.Digest ?? source.ManifestDigest;
        Point($"{requested.Repository}@{digest}", image, isTag: false);
        return image;
    }

    /// <summary>
    /// containerd's local resolution: a full image ID; else a normalised reference; else an ID prefix
    /// (<c>sha256:abc</c> or <c>abc</c>). Empty input is the caller's to reject.
    /// </summary>
    public ImageLookup Resolve(string text)
    {
        if (ImageReference.IsImageId(text))
        {
            return _images.TryGet(text, out var byId) ? ImageLookup.Found(byId) : ImageLookup.NotFound;
        }

        if (ImageReference.TryParse(text, out var reference, out _)
            && _references.TryGetValue(reference.ToString(), out var id)
            && _images.TryGet(id, out var byReference))
        {
            return ImageLookup.Found(byReference);
        }

        var hex = text.StartsWith(Sha256Prefix, StringComparison.Ordinal) ? text[Sha256Prefix.Length..] : text;
        if (hex.Length == 0 || !IsLowerHex(hex))
        {
            return ImageLookup.NotFound;
        }

        var match = _hexIds.Resolve(hex);
        return match.Outcome switch
        {
            PrefixOutcome.Found when _images.TryGet(Sha256Prefix + match.Id, out var byPrefix) => ImageLookup.Found(byPrefix),
            PrefixOutcome.Ambiguous => ImageLookup.Ambiguous,
            _ => ImageLookup.NotFound,
        };
    }

    public bool TryGet(string id, [NotNullWhen(true)] out StoredImage? image) => _images.TryGet(id, out image);

    /// <summary>Deletes every reference of <paramref name="image"/>, and with them the image.</summary>
    public void Remove(StoredImage image)
    {
        foreach (var reference in image.RepoTags.Concat(image.RepoDigests))
        {
            _references.Remove(reference);
        }

        _images.Remove(image.Id);
        _hexIds.Remove(image.Id[Sha256Prefix.Length..]);
    }

    public void Clear()
    {
        _images.Clear();
        _references.Clear();
        _hexIds.Clear();
    }

    private void Point(string reference, StoredImage image, bool isTag)
    {
        if (_references.TryGetValue(reference, out var previousId) && previousId != image.Id
            && _images.TryGet(previousId, out var previous))
        {
            previous.RepoTags.Remove(reference);
            previous.RepoDigests.Remove(reference);
            if (previous.RepoTags.Count == 0 && previous.RepoDigests.Count == 0)
            {
                Remove(previous);
            }
        }

        _references[reference] = image.Id;
        (isTag ? image.RepoTags : image.RepoDigests).Add(reference);
    }

    private static bool IsLowerHex(string text)
    {
        foreach (var c in text)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>The result of resolving an image reference locally.</summary>
internal readonly record struct ImageLookup(StoredImage? Image, bool IsAmbiguous)
{
    public static ImageLookup NotFound => default;

    public static ImageLookup Ambiguous => new(null, true);

    public static ImageLookup Found(StoredImage image) => new(image, false);
}
