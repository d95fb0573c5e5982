using System.Runtime.CompilerServices;
using FakeCri.Images;
using FakeCri.Processes;
using FakeCri.Processes.Internal;

namespace FakeCri.Runtime.Internal;

/// <summary>
/// The part of a container's setup that depends on its image alone: the file system every container of the image
/// starts from (the directory skeleton, /etc/passwd and /etc/group), the user and group names, the image's
/// environment split into pairs and its command line. Built once per catalog image and shared, read-only, by its containers: with a
/// copy each, these were ~3 KiB of every container.
/// </summary>
internal sealed class ImageSetup
{
    private static readonly ConditionalWeakTable<CatalogImage, ImageSetup> Built = new();

    private static readonly string[] Directories =
        ["/bin", "/dev", "/etc", "/home", "/proc", "/root", "/run", "/sys", "/tmp", "/usr/bin", "/usr/local/bin", "/var/log", "/var/run"];

    private ImageSetup(CatalogImage image)
    {
        // Read-only views: shared by every container of the image.
        UserNames = image.Users.ToDictionary(u => u.Value.Uid, u => u.Key).AsReadOnly();
        var groups = new Dictionary<long, string> { [0] = "root", [1] = "daemon", [33] = "www-data", [100] = "users", [65534] = "nogroup" };
        foreach (var (name, (uid, gid)) in image.Users)
        {
            groups.TryAdd(gid, name);
        }

        GroupNames = groups.AsReadOnly();

        var fs = new EmulatedFileSystem();
        foreach (var directory in Directories)
        {
            fs.CreateDirectory(directory, parents: true);
        }

        fs.WriteAllText("/etc/passwd", string.Concat(image.Users.OrderBy(u => u.Value.Uid).Select(u =>
            $"{u.Key}:x:{u.Value.Uid}:{u.Value.Gid}:{u.Key}:{(u.Value.Uid == 0 ? "/root" : "/home/" + u.Key)}:/bin/sh\n")), append: false);
        fs.WriteAllText("/etc/group", string.Concat(groups.OrderBy(g => g.Key).Select(g => $"{g.Value}:x:{g.Key}:\n")), append: false);
        Files = fs.Freeze();

        var environment = new List<KeyValuePair<string, string>>(image.Env.Count);
        foreach (var entry in image.Env)
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                environment.Add(new(entry[..equals], entry[(equals + 1)..]));
            }
        }

        Environment = environment.ToArray();
        CommandLine = [.. image.Entrypoint, .. image.Cmd];
    }

    /// <summary>The image's files: what its containers' file systems start from, before the sandbox's files.</summary>
    public SharedFileLayer Files { get; }

    /// <summary>Names from the image's /etc/passwd, by uid.</summary>
    public IReadOnlyDictionary<long, string> UserNames { get; }

    /// <summary>Names from the image's /etc/group, by gid.</summary>
    public IReadOnlyDictionary<long, string> GroupNames { get; }

    /// <summary>The image's <c>NAME=value</c> environment as pairs, in order (entries without a name left out).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Environment { get; }

    /// <summary>Entrypoint then cmd: what a container runs when its config names no command and no arguments.</summary>
    public IReadOnlyList<string> CommandLine { get; }

    /// <summary>The setup of <paramref name="image"/>, built on first use.</summary>
    public static ImageSetup For(CatalogImage image) => Built.GetValue(image, static i => new ImageSetup(i));
}
