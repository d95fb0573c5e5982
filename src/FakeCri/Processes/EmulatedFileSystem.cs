using System.Text;
using FakeCri.Processes.Internal;

namespace FakeCri.Processes;

/// <summary>
/// A container's file system as its emulated programs see it: an in-memory tree for the image's files and what
/// scripts write, with mounts mapped onto real host paths (reads and writes go to the host; read-only mounts
/// refuse writes). The files it starts with may be shared with other containers' file systems, copy-on-write:
/// what one changes, no other sees. Paths are absolute, <c>/</c>-separated; errors are <see cref="EmulatedIOException"/>s whose
/// messages read like the kernel's (<c>No such file or directory</c>). Thread-safe.
/// </summary>
public sealed class EmulatedFileSystem
{
    private readonly Lock _gate = new();

    // The tree is the shared layer it started from, overlaid with this file system's own nodes and deletions
    // (copy-on-write: a file of the shared layer is copied here when first written). Both are made on first use:
    // most containers never write.
    private readonly SharedFileLayer _shared;
    private Dictionary<string, StringBuilder?>? _own;
    private HashSet<string>? _deleted;
    private MountPoint[] _mounts = [];

    /// <summary>Creates a file system holding only the root directory.</summary>
    public EmulatedFileSystem()
        : this(SharedFileLayer.Root)
    {
    }

    /// <summary>Creates a file system that starts as <paramref name="shared"/> (which it never changes).</summary>
    internal EmulatedFileSystem(SharedFileLayer shared)
    {
        _shared = shared;
    }

    /// <summary>Maps <paramref name="containerPath"/> onto <paramref name="hostPath"/> (a directory or a file).</summary>
    public void Mount(string containerPath, string hostPath, bool readOnly)
    {
        var path = Normalize(containerPath);
        lock (_gate)
        {
            var mounts = new List<MountPoint>(_mounts.Length + 1);
            mounts.AddRange(_mounts);
            mounts.RemoveAll(m => m.ContainerPath == path);
            mounts.Add(new MountPoint(path, hostPath, readOnly));
            mounts.Sort((a, b) => b.ContainerPath.Length.CompareTo(a.ContainerPath.Length)); // longest prefix first
            _mounts = [.. mounts];
            EnsureParents(path);
        }
    }

    /// <summary>True for an existing regular file.</summary>
    public bool FileExists(string path) => Locate(path) switch
    {
        { Host: { } host } => File.Exists(host),
        { Memory: { } memory } => Exists(memory, out var isDirectory) && !isDirectory,
        _ => false,
    };

    /// <summary>True for an existing directory.</summary>
    public bool DirectoryExists(string path) => Locate(path) switch
    {
        { Host: { } host } => Directory.Exists(host),
        { Memory: { } memory } => Exists(memory, out var isDirectory) && isDirectory,
        _ => false,
    };

    /// <summary>The file's whole content.</summary>
    public string ReadAllText(string path)
    {
        var location = Locate(path);
        if (location.Host is { } host)
        {
            try
            {
                return Directory.Exists(host) ? throw new EmulatedIOException("Is a directory") : File.ReadAllText(host);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                throw Translate(exception);
            }
        }

        lock (_gate)
        {
            return TryFind(location.Memory!, out var content)
                ? content?.ToString() ?? throw new EmulatedIOException("Is a directory")
                : throw new EmulatedIOException("No such file or directory");
        }
    }

    /// <summary>Writes (or appends) a file; its directory must exist.</summary>
    public void WriteAllText(string path, string text, bool append)
    {
        var location = Locate(path);
        if (location.Host is { } host)
        {
            if (location.ReadOnly)
            {
                throw new EmulatedIOException("Read-only file system");
            }

            try
            {
                if (append)
                {
                    File.AppendAllText(host, text);
                }
                else
                {
                    File.WriteAllText(host, text);
                }

                return;
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                throw Translate(exception);
            }
        }

        var memory = location.Memory!;
        lock (_gate)
        {
            if (!TryFind(Parent(memory), out var parent) || parent is not null)
            {
                throw new EmulatedIOException("No such file or directory");
            }

            if (TryFind(memory, out var existing))
            {
                switch (existing)
                {
                    case null:
                        throw new EmulatedIOException("Is a directory");
                    case StringBuilder own:
                        if (!append)
                        {
                            own.Clear();
                        }

                        own.Append(text);
                        break;
                    default:
                        // A shared file: the first write copies it into this file system.
                        Own[memory] = append ? new StringBuilder((string)existing).Append(text) : new StringBuilder(text);
                        break;
                }
            }
            else
            {
                Own[memory] = new StringBuilder(text);
            }
        }
    }

    /// <summary>Creates a directory (and its parents when <paramref name="parents"/>).</summary>
    public void CreateDirectory(string path, bool parents)
    {
        var location = Locate(path);
        if (location.Host is { } host)
        {
            if (location.ReadOnly)
            {
                throw new EmulatedIOException("Read-only file system");
            }

            if (!parents && (Directory.Exists(host) || File.Exists(host)))
            {
                throw new EmulatedIOException("File exists");
            }

            Directory.CreateDirectory(host);
            return;
        }

        var memory = location.Memory!;
        lock (_gate)
        {
            if (TryFind(memory, out var existing))
            {
                if (parents && existing is null)
                {
                    return;
                }

                throw new EmulatedIOException("File exists");
            }

            if (!parents && !TryFind(Parent(memory), out _))
            {
                throw new EmulatedIOException("No such file or directory");
            }

            EnsureParents(memory);
            Own[memory] = null;
        }
    }

    /// <summary>Deletes a file, or a directory tree when <paramref name="recursive"/>.</summary>
    public void Delete(string path, bool recursive)
    {
        var location = Locate(path);
        if (location.Host is { } host)
        {
            if (location.ReadOnly)
            {
                throw new EmulatedIOException("Read-only file system");
            }

            if (Directory.Exists(host))
            {
                if (!recursive)
                {
                    throw new EmulatedIOException("Is a directory");
                }

                Directory.Delete(host, recursive: true);
            }
            else if (File.Exists(host))
            {
                File.Delete(host);
            }
            else
            {
                throw new EmulatedIOException("No such file or directory");
            }

            return;
        }

        var memory = location.Memory!;
        lock (_gate)
        {
            if (!TryFind(memory, out var node) || memory == "/")
            {
                throw new EmulatedIOException(memory == "/" ? "Device or resource busy" : "No such file or directory");
            }

            if (node is null && !recursive)
            {
                throw new EmulatedIOException("Is a directory");
            }

            var below = memory + "/";
            if (_own is not null)
            {
                foreach (var key in _own.Keys.Where(k => k == memory || k.StartsWith(below, StringComparison.Ordinal)).ToList())
                {
                    _own.Remove(key);
                }
            }

            // The shared layer stays as it is: its nodes are hidden here instead.
            foreach (var key in _shared.Nodes.Keys)
            {
                if (key == memory || key.StartsWith(below, StringComparison.Ordinal))
                {
                    (_deleted ??= new HashSet<string>(StringComparer.Ordinal)).Add(key);
                }
            }
        }
    }

    /// <summary>The names in a directory, sorted, hidden ones included; mounts show up where they are.</summary>
    public IReadOnlyList<string> List(string path)
    {
        var location = Locate(path);
        if (location.Host is { } host)
        {
            if (!Directory.Exists(host))
            {
                throw new EmulatedIOException(File.Exists(host) ? "Not a directory" : "No such file or directory");
            }

            return Directory.EnumerateFileSystemEntries(host).Select(Path.GetFileName).OfType<string>()
                .Order(StringComparer.Ordinal).ToArray();
        }

        var memory = location.Memory!;
        lock (_gate)
        {
            if (!TryFind(memory, out var node))
            {
                throw new EmulatedIOException("No such file or directory");
            }

            if (node is not null)
            {
                throw new EmulatedIOException("Not a directory");
            }

            var prefix = memory == "/" ? "/" : memory + "/";
            var names = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var key in VisibleNodes().Select(n => n.Key).Concat(_mounts.Select(m => m.ContainerPath)))
            {
                if (key.Length > prefix.Length && key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    var rest = key[prefix.Length..];
                    var slash = rest.IndexOf('/', StringComparison.Ordinal);
                    names.Add(slash < 0 ? rest : rest[..slash]);
                }
            }

            return names.ToArray();
        }
    }

    /// <summary>Bytes held by files written in memory (the writable layer), for stats.</summary>
    public long WrittenBytes
    {
        get
        {
            lock (_gate)
            {
                if (_own is null && _deleted is null)
                {
                    return _shared.FileChars;
                }

                return VisibleNodes().Sum(n => n.Value switch
                {
                    StringBuilder own => own.Length,
                    string shared => shared.Length,
                    _ => 0L,
                });
            }
        }
    }

    /// <summary>Every in-memory file and directory, for checkpoint archives.</summary>
    public IReadOnlyList<(string Path, string? Content)> Snapshot()
    {
        lock (_gate)
        {
            return VisibleNodes().OrderBy(n => n.Key, StringComparer.Ordinal).Select(n => (n.Key, n.Value?.ToString())).ToArray();
        }
    }

    /// <summary>Makes <paramref name="path"/> absolute against <paramref name="workingDirectory"/> and normalises it.</summary>
    public static string Combine(string workingDirectory, string path) =>
        Normalize(path.StartsWith('/') ? path : workingDirectory.TrimEnd('/') + "/" + path);

    /// <summary>Resolves <c>.</c>, <c>..</c> and repeated slashes.</summary>
    public static string Normalize(string path)
    {
        if (IsNormalized(path))
        {
            return path; // the common case, without a new string
        }

        var parts = new List<string>();
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }
            }
            else if (part != ".")
            {
                parts.Add(part);
            }
        }

        return "/" + string.Join('/', parts);
    }

    /// <summary>
    /// The missing parent directories of <paramref name="path"/>, as <see cref="Mount"/> makes them for its mount
    /// point (in memory, whatever is mounted; a parent that is a file stays one).
    /// </summary>
    internal void AddParents(string path)
    {
        var normalized = Normalize(path);
        lock (_gate)
        {
            EnsureParents(normalized);
        }
    }

    /// <summary>Every file and directory as it is now, in memory (mounts aside), frozen for other file systems to start from.</summary>
    internal SharedFileLayer Freeze()
    {
        lock (_gate)
        {
            return SharedFileLayer.From(VisibleNodes().Select(n => KeyValuePair.Create(n.Key, n.Value?.ToString())));
        }
    }

    /// <summary>Absolute, no empty, <c>.</c> or <c>..</c> segment, no trailing slash (except the root itself).</summary>
    private static bool IsNormalized(string path)
    {
        if (path.Length == 0 || path[0] != '/')
        {
            return false;
        }

        if (path.Length == 1)
        {
            return true;
        }

        var start = 1;
        for (var i = 1; i <= path.Length; i++)
        {
            if (i < path.Length && path[i] != '/')
            {
                continue;
            }

            var length = i - start;
            if (length == 0 || (path[start] == '.' && (length == 1 || (length == 2 && path[start + 1] == '.'))))
            {
                return false;
            }

            start = i + 1;
        }

        return true;
    }

    private Dictionary<string, StringBuilder?> Own => _own ??= new Dictionary<string, StringBuilder?>(StringComparer.Ordinal);

    /// <summary>
    /// The node at <paramref name="path"/>, if any: null for a directory, else the file's content — a
    /// <see cref="StringBuilder"/> of this file system's own, or a string of the shared layer's. Under the lock.
    /// </summary>
    private bool TryFind(string path, out object? content)
    {
        if (_own is not null && _own.TryGetValue(path, out var own))
        {
            content = own;
            return true;
        }

        if (_deleted?.Contains(path) != true && _shared.TryGet(path, out var shared))
        {
            content = shared;
            return true;
        }

        content = null;
        return false;
    }

    /// <summary>Every node as <see cref="TryFind"/> sees it, each path once. Under the lock.</summary>
    private IEnumerable<KeyValuePair<string, object?>> VisibleNodes()
    {
        foreach (var (key, content) in _shared.Nodes)
        {
            if (_deleted?.Contains(key) != true && _own?.ContainsKey(key) != true)
            {
                yield return KeyValuePair.Create(key, (object?)content);
            }
        }

        if (_own is not null)
        {
            foreach (var (key, content) in _own)
            {
                yield return KeyValuePair.Create(key, (object?)content);
            }
        }
    }

    private bool Exists(string memory, out bool isDirectory)
    {
        lock (_gate)
        {
            var found = TryFind(memory, out var node);
            isDirectory = found && node is null;
            return found;
        }
    }

    private Location Locate(string path)
    {
        var normalized = Normalize(path);
        lock (_gate)
        {
            foreach (var mount in _mounts)
            {
                if (normalized == mount.ContainerPath)
                {
                    return new Location(null, mount.HostPath, mount.ReadOnly);
                }

                if (normalized.StartsWith(mount.ContainerPath + "/", StringComparison.Ordinal))
                {
                    return new Location(null, Path.Join(mount.HostPath, normalized[(mount.ContainerPath.Length + 1)..]), mount.ReadOnly);
                }
            }
        }

        return new Location(normalized, null, false);
    }

    private void EnsureParents(string path)
    {
        for (var parent = Parent(path); parent != "/"; parent = Parent(parent))
        {
            if (!TryFind(parent, out _))
            {
                Own[parent] = null;
            }
        }
    }

    private static string Parent(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash <= 0 ? "/" : path[..slash];
    }

    private static EmulatedIOException Translate(Exception exception) => exception switch
    {
        FileNotFoundException or DirectoryNotFoundException => new EmulatedIOException("No such file or directory"),
        UnauthorizedAccessException => new EmulatedIOException("Permission denied"),
        _ => new EmulatedIOException(exception.Message),
    };

    private readonly record struct MountPoint(string ContainerPath, string HostPath, bool ReadOnly);

    private readonly record struct Location(string? Memory, string? Host, bool ReadOnly);
}

/// <summary>A file operation failed the way the kernel would refuse it; the message is the errno text.</summary>
public sealed class EmulatedIOException : Exception
{
    /// <summary>Creates the exception.</summary>
    public EmulatedIOException(string message)
        : base(message)
    {
    }
}
