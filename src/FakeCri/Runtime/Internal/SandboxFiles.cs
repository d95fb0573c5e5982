using FakeCri.Processes;
using FakeCri.Processes.Internal;

namespace FakeCri.Runtime.Internal;

/// <summary>
/// What every container of a sandbox starts from: an image's files, the files the runtime writes for the sandbox
/// (/etc/hostname, /etc/hosts, /etc/resolv.conf) and the directories the container's mount points need. One
/// shared layer per such combination, built for the first container that needs it and reused by the next ones
/// (kubelet gives a pod's containers the same files and mostly the same mount points). Thread-safe: containers
/// are set up outside the runtime lock.
/// </summary>
internal sealed class SandboxFiles
{
    /// <summary>Layers kept; beyond that the least recently built is dropped (its containers keep it).</summary>
    public const int Capacity = 8;

    private readonly List<(SharedFileLayer Image, string[] MountPoints, SharedFileLayer Layer)> _built = [];

    /// <summary>
    /// A layer with <paramref name="image"/>'s files, these three files' contents, and the parent directories of
    /// <paramref name="mountPoints"/> (normalised container paths) that are missing, as mounting creates them.
    /// </summary>
    public SharedFileLayer Layer(SharedFileLayer image, string etcHostname, string etcHosts, string etcResolvConf, string[] mountPoints)
    {
        lock (_built)
        {
            foreach (var built in _built)
            {
                if (ReferenceEquals(built.Image, image) && built.MountPoints.AsSpan().SequenceEqual(mountPoints)
                    && Holds(built.Layer, "/etc/hostname", etcHostname) && Holds(built.Layer, "/etc/hosts", etcHosts)
                    && Holds(built.Layer, "/etc/resolv.conf", etcResolvConf))
                {
                    return built.Layer;
                }
            }

            var fs = new EmulatedFileSystem(image);
            fs.WriteAllText("/etc/hostname", etcHostname, append: false);
            fs.WriteAllText("/etc/hosts", etcHosts, append: false);
            fs.WriteAllText("/etc/resolv.conf", etcResolvConf, append: false);
            foreach (var mountPoint in mountPoints)
            {
                fs.AddParents(mountPoint);
            }

            var layer = fs.Freeze();
            if (_built.Count == Capacity)
            {
                _built.RemoveAt(0);
            }

            _built.Add((image, mountPoints, layer));
            return layer;
        }
    }

    private static bool Holds(SharedFileLayer layer, string path, string content) =>
        layer.TryGet(path, out var held) && held == content;
}
