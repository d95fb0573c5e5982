using System.Security.Cryptography;
using System.Text;

namespace FakeCri.Images;

/// <summary>
/// What a registry would serve for one image: its references, digests, size and the parts of its OCI config a
/// runtime reads (user, environment, entrypoint, command, working directory, ports, stop signal, labels).
/// Digests left empty are derived from the first reference, so they are stable across runs and machines.
/// </summary>
public sealed record CatalogImage
{
    /// <summary>
    /// Tag references naming this image (<c>busybox:1.36</c>, <c>docker.io/library/busybox:latest</c>); normalised
    /// when the image is added to a catalog. Several tags of one image share its ID, as on a registry.
    /// </summary>
    public required IReadOnlyList<string> References { get; init; }

    /// <summary>The image ID, <c>sha256:</c> + 64 hex (the config blob digest). Derived when empty.</summary>
    public string Id { get; init; } = string.Empty;

    /// <summary>The manifest digest recorded in <c>repo_digests</c> as <c>name@digest</c>. Derived when empty.</summary>
    public string ManifestDigest { get; init; } = string.Empty;

    /// <summary>Compressed size in bytes (manifest + config + layers), as ListImages reports it. Must be &gt; 0.</summary>
    public ulong Size { get; init; }

    /// <summary>The config's <c>User</c> (<c>1002</c>, <c>www-data</c>, <c>1003:1003</c>); empty means root.</summary>
    public string User { get; init; } = string.Empty;

    /// <summary>Environment in <c>NAME=value</c> form.</summary>
    public IReadOnlyList<string> Env { get; init; } = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"];

    /// <summary>The config's <c>Entrypoint</c>.</summary>
    public IReadOnlyList<string> Entrypoint { get; init; } = [];

    /// <summary>The config's <c>Cmd</c>.</summary>
    public IReadOnlyList<string> Cmd { get; init; } = [];

    /// <summary>The config's <c>WorkingDir</c>; empty means <c>/</c>.</summary>
    public string WorkingDir { get; init; } = string.Empty;

    /// <summary>Exposed ports, <c>80/tcp</c> style.</summary>
    public IReadOnlyList<string> ExposedPorts { get; init; } = [];

    /// <summary>The config's <c>StopSignal</c> (<c>SIGQUIT</c>); null means the runtime default, SIGTERM.</summary>
    public string? StopSignal { get; init; }

    /// <summary>Image labels.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Users the image's <c>/etc/passwd</c> knows, name → (uid, gid), for resolving a named USER.</summary>
    public IReadOnlyDictionary<string, (long Uid, long Gid)> Users { get; init; } = DefaultUsers;

    /// <summary>The users every Linux base image has.</summary>
    public static IReadOnlyDictionary<string, (long Uid, long Gid)> DefaultUsers { get; } =
        new Dictionary<string, (long Uid, long Gid)>
        {
            ["root"] = (0, 0),
            ["daemon"] = (1, 1),
            ["www-data"] = (33, 33),
            ["nobody"] = (65534, 65534),
        };

    /// <summary>A stable <c>sha256:</c> digest of <paramref name="seed"/>, for synthesised IDs and digests.</summary>
    public static string DigestOf(string seed) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(seed)));
}
