using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;

namespace FakeCri.Images;

/// <summary>
/// The images a fake registry knows, looked up by normalised tag reference or by repository + manifest digest.
/// Immutable: <see cref="With(CatalogImage)"/> returns a new catalog. <see cref="BuiltIn"/> holds realistic entries
/// for pause, busybox, alpine, nginx, httpd and the Kubernetes e2e and cri-tools test images.
/// </summary>
public sealed class ImageCatalog
{
    private readonly IReadOnlyList<CatalogImage> _images;
    private readonly FrozenDictionary<string, CatalogImage> _byTag;
    private readonly FrozenDictionary<string, CatalogImage> _byDigest;

    private ImageCatalog(IReadOnlyList<CatalogImage> images)
    {
        _images = images;
        var byTag = new Dictionary<string, CatalogImage>(StringComparer.Ordinal);
        var byDigest = new Dictionary<string, CatalogImage>(StringComparer.Ordinal);
        foreach (var image in images)
        {
            foreach (var reference in image.References)
            {
                var parsed = ImageReference.Parse(reference);
                byTag[parsed.ToString()] = image;
                byDigest[$"{parsed.Repository}@{image.ManifestDigest}"] = image;
            }
        }

        _byTag = byTag.ToFrozenDictionary(StringComparer.Ordinal);
        _byDigest = byDigest.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>A catalog with no images (with strict pulls, nothing can be pulled).</summary>
    public static ImageCatalog Empty { get; } = new([]);

    /// <summary>The built-in catalog.</summary>
    public static ImageCatalog BuiltIn { get; } = Empty.With(BuiltInImages.All);

    /// <summary>Every image, in the order added.</summary>
    public IReadOnlyList<CatalogImage> Images => _images;

    /// <summary>A catalog with <paramref name="image"/> added; its tags replace any earlier image's same tags.</summary>
    public ImageCatalog With(CatalogImage image) => With([image]);

    /// <summary>A catalog with <paramref name="images"/> added.</summary>
    public ImageCatalog With(IEnumerable<CatalogImage> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        var list = _images.ToList();
        foreach (var image in images)
        {
            list.Add(Complete(image));
        }

        return new ImageCatalog(list);
    }

    /// <summary>The image a reference names: by tag, or by repository and manifest digest; null if unknown.</summary>
    public CatalogImage? Find(ImageReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (reference.Digest is { } digest)
        {
            return _byDigest.GetValueOrDefault($"{reference.Repository}@{digest}");
        }

        return _byTag.GetValueOrDefault(reference.ToString());
    }

    /// <summary>
    /// What an unknown reference pulls when pulls are permissive: an image whose digests, size and command are
    /// derived from the reference, so every run agrees. Its command is the repository's last path component, which
    /// the process emulation treats as a server that runs until stopped.
    /// </summary>
    public static CatalogImage Synthesize(ImageReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var key = reference.Digest ?? reference.ToString();
        var name = reference.Path[(reference.Path.LastIndexOf('/') + 1)..];
        return Complete(new CatalogImage
        {
            References = reference.Tag is null ? [] : [reference.ToString()],
            Id = CatalogImage.DigestOf("fakecri/synthesized/config/" + key),
            ManifestDigest = reference.Digest ?? CatalogImage.DigestOf("fakecri/synthesized/manifest/" + key),
            Size = 1_000_000 + (BitConverter.ToUInt64(SHA256.HashData(Encoding.UTF8.GetBytes(key))) % 50_000_000),
            Cmd = ["/" + name],
        });
    }

    private static CatalogImage Complete(CatalogImage image)
    {
        if (image.References.Count == 0 && string.IsNullOrEmpty(image.Id))
        {
            throw new ArgumentException("a catalog image needs at least one reference or an explicit Id", nameof(image));
        }

        var references = image.References.Select(r => ImageReference.Parse(r).ToString()).ToArray();
        var key = references.Length > 0 ? references[0] : image.Id;
        var completed = image with
        {
            References = references,
            Id = string.IsNullOrEmpty(image.Id) ? CatalogImage.DigestOf("fakecri/config/" + key) : image.Id,
            ManifestDigest = string.IsNullOrEmpty(image.ManifestDigest)
                ? CatalogImage.DigestOf("fakecri/manifest/" + key)
                : image.ManifestDigest,
            Size = image.Size > 0 ? image.Size : 1_000_000,
        };
        if (!ImageReference.IsImageId(completed.Id))
        {
            throw new ArgumentException($"image ID \"{completed.Id}\" must be sha256: followed by 64 lower-case hex", nameof(image));
        }

        return completed;
    }
}
