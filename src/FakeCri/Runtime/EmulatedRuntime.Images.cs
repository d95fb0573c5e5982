using System.Text;
using System.Text.Json;
using FakeCri.Cri.V1;
using FakeCri.Images;
using FakeCri.Images.Internal;

namespace FakeCri.Runtime;

public sealed partial class EmulatedRuntime
{
    /// <summary>Where containerd's default snapshotter keeps image layers; ImageFsInfo reports it.</summary>
    public const string ImageFilesystemMountpoint = "/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs";

    /// <summary>CRI <c>ListImages</c>: every image, in pull order. The filter is ignored, as containerd does.</summary>
    public ListImagesResponse ListImages(ListImagesRequest request)
    {
        var response = new ListImagesResponse();
        lock (_gate)
        {
            foreach (var image in _images.Images)
            {
                response.Images.Add(ToCri(image));
            }
        }

        return response;
    }

    /// <summary>
    /// CRI <c>ImageStatus</c>: the same <c>Image</c> for any reference form (ID, ID prefix, tag, digest); an
    /// empty response, not an error, for an unknown image.
    /// </summary>
    public ImageStatusResponse ImageStatus(ImageStatusRequest request)
    {
        var text = RequireImage(request.Image, "image.image");
        lock (_gate)
        {
            if (ResolveImageLocked(text) is not { } image)
            {
                return new ImageStatusResponse();
            }

            var response = new ImageStatusResponse { Image = ToCri(image) };
            if (request.Verbose)
            {
                response.Info.Add("info", DescribeImage(image));
            }

            return response;
        }
    }

    /// <summary>
    /// CRI <c>PullImage</c>: resolves the reference in the catalog (or synthesises it unless pulls are strict),
    /// checks registry credentials, records the tag and the repo digest, and returns the image ID.
    /// </summary>
    public PullImageResponse PullImage(PullImageRequest request)
    {
        var text = RequireImage(request.Image, "image.image");
        if (!ImageReference.TryParse(text, out var reference, out var error))
        {
            throw CriException.Unknown($"failed to parse image reference \"{text}\": {error}");
        }

        var name = reference.ToString();
        if (_options.RegistryCredentials.TryGetValue(reference.Domain, out var credential) && !Authorized(request.Auth, credential))
        {
            throw CriException.Unknown(
                $"failed to pull and unpack image \"{name}\": failed to resolve reference \"{name}\": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed");
        }

        var source = Catalog.Find(reference);
        if (source is null)
        {
            if (_options.StrictImages)
            {
                throw CriException.NotFound(
                    $"failed to pull and unpack image \"{name}\": failed to resolve reference \"{name}\": {name}: not found");
            }

            source = ImageCatalog.Synthesize(reference);
        }

        lock (_gate)
        {
            var image = _images.Record(source, reference, pinned: false);
            return new PullImageResponse { ImageRef = image.Id };
        }
    }

    /// <summary>
    /// CRI <c>RemoveImage</c>: deletes every reference of the resolved image (all tags and digests), whichever
    /// one was named. Unknown images succeed. Images in use by containers are not protected, as in containerd.
    /// </summary>
    public RemoveImageResponse RemoveImage(RemoveImageRequest request)
    {
        var text = RequireImage(request.Image, "image.image");
        lock (_gate)
        {
            if (ResolveImageLocked(text) is { } image)
            {
                _images.Remove(image);
            }
        }

        return new RemoveImageResponse();
    }

    /// <summary>CRI <c>ImageFsInfo</c>: the snapshotter's usage, following pulls and removes.</summary>
    public ImageFsInfoResponse ImageFsInfo(ImageFsInfoRequest request)
    {
        ulong bytes = 0;
        ulong inodes = 0;
        lock (_gate)
        {
            foreach (var image in _images.Images)
            {
                // Unpacked layers take about twice the compressed size; a small image holds a few hundred files.
                bytes += image.Source.Size * 2;
                inodes += 200 + (image.Source.Size / 100_000);
            }
        }

        return new ImageFsInfoResponse
        {
            ImageFilesystems =
            {
                new FilesystemUsage
                {
                    Timestamp = NowNanos(),
                    FsId = new FilesystemIdentifier { Mountpoint = ImageFilesystemMountpoint },
                    UsedBytes = new UInt64Value { Value = bytes },
                    InodesUsed = new UInt64Value { Value = inodes },
                },
            },
        };
    }

    /// <summary>The image <paramref name="text"/> names locally, or null; an ambiguous ID prefix is UNKNOWN.</summary>
    private StoredImage? ResolveImageLocked(string text)
    {
        var lookup = _images.Resolve(text);
        return lookup.IsAmbiguous
            ? throw CriException.Unknown($"can not resolve \"{text}\" locally: ambiguous digest string")
            : lookup.Image;
    }

    private static Image ToCri(StoredImage image)
    {
        var cri = new Image
        {
            Id = image.Id,
            RepoTags = { image.RepoTags },
            RepoDigests = { image.RepoDigests },
            Size = image.Source.Size,
            Pinned = image.Pinned,
        };

        // As containerd: USER's part before ':'; numeric → uid, a name → username, empty → neither.
        var user = image.Source.User.Split(':', 2)[0];
        if (long.TryParse(user, out var uid))
        {
            cri.Uid = new Int64Value { Value = uid };
        }
        else if (user.Length > 0)
        {
            cri.Username = user;
        }

        return cri;
    }

    private static string DescribeImage(StoredImage image)
    {
        var source = image.Source;
        var config = new Dictionary<string, object?>
        {
            ["User"] = source.User,
            ["Env"] = source.Env,
            ["Entrypoint"] = source.Entrypoint,
            ["Cmd"] = source.Cmd,
            ["WorkingDir"] = source.WorkingDir,
            ["ExposedPorts"] = source.ExposedPorts.ToDictionary(p => p, _ => new Dictionary<string, object>()),
            ["Labels"] = source.Labels,
            ["StopSignal"] = source.StopSignal,
        };
        var info = new Dictionary<string, object?>
        {
            ["chainID"] = CatalogImage.DigestOf("fakecri/chain/" + image.Id),
            ["imageSpec"] = new Dictionary<string, object?>
            {
                ["architecture"] = "amd64",
                ["os"] = "linux",
                ["config"] = config,
                ["rootfs"] = new Dictionary<string, object?>
                {
                    ["type"] = "layers",
                    ["diff_ids"] = new[] { CatalogImage.DigestOf("fakecri/layer/" + image.Id) },
                },
            },
        };
        return JsonSerializer.Serialize(info);
    }

    private static string RequireImage(ImageSpec? spec, string field)
    {
        // containerd resolves "" as an ID prefix of every image (it could even delete the only image); FakeCri
        // refuses it instead, as CRI-O does.
        if (string.IsNullOrEmpty(spec?.Image))
        {
            throw CriException.InvalidArgument($"{field} must not be empty: no image specified");
        }

        return spec.Image;
    }

    private static bool Authorized(AuthConfig? auth, RegistryCredential credential)
    {
        if (auth is null)
        {
            return false;
        }

        if (auth.Username == credential.Username && auth.Password == credential.Password)
        {
            return true;
        }

        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credential.Username}:{credential.Password}"));
        return auth.Auth == basic;
    }
}
