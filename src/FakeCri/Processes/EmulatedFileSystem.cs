using System.Text;

namespace FakeCri.Processes;

/// <summary>
/// A container's file system as its emulated programs see it: an in-memory tree for the image's files and what
/// scripts write, with mounts mapped onto real host paths (reads and writes go to the host; read-only mounts
/// refuse writes). Paths are absolute, <c>/</c>-separated; errors are <see cref="EmulatedIOException"/>s whose
/// messages read like the kernel's (<c>No such file or directory</c>). Thread-safe.
/// </summary>
public sealed class EmulatedFileSystem
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, StringBuilder?> _nodes = new(StringComparer.Ordinal) { ["/"] = null };
    private readonly List<MountPoint> _mounts = [];

    /// <summary>Maps <paramref name="containerPath"/> onto <paramref name="hostPath"/> (a directory or a file).</summary>
    public void Mount(string containerPath, string hostPath, bool readOnly)
    {
        var path = Normalize(containerPath);
        lock (_gate)
        {
            _mounts.RemoveAll(m => m.ContainerPath == path);
            _mounts.Add(new MountPoint(path, hostPath, readOnly));
            _mounts.Sort((a, b) => b.ContainerPath.Length.CompareTo(a.ContainerPath.Length)); // longest prefix first
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
            return _nodes.TryGetValue(location.Memory!, out var content)
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
            if (!_nodes.TryGetValue(Parent(memory), out var parent) || parent is not null)
            {
                throw new EmulatedIOException("No such file or directory");
            }

            if (_nodes.TryGetValue(memory, out var existing))
            {
                if (existing is null)
                {
                    throw new EmulatedIOException("Is a directory");
                }

                if (!append)
                {
                    existing.Clear();
                }

                existing.Append(text);
            }
            else
            {
                _nodes[memory] = new StringBuilder(text);
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
            if (_nodes.ContainsKey(memory))
            {
                if (parents && _nodes[memory] is null)
                {
                    return;
                }

                throw new EmulatedIOException("File exists");
            }

            if (!parents && !_nodes.ContainsKey(Parent(memory)))
            {
                throw new EmulatedIOException("No such file or directory");
            }

            EnsureParents(memory);
            _nodes[memory] = null;
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
            if (!_nodes.TryGetValue(memory, out var node) || memory == "/")
            {
                throw new EmulatedIOException(memory == "/" ? "Device or resource busy" : "No such file or directory");
            }

            if (node is null && !recursive)
            {
                throw new EmulatedIOException("Is a directory");
            }

            foreach (var key in _nodes.Keys.Where(k => k == memory || k.StartsWith(memory + "/", StringComparison.Ordinal)).ToList())
            {
                _nodes.Remove(key);
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
            if (!_nodes.TryGetValue(memory, out var node))
            {
                throw new EmulatedIOException("No such file or directory");
            }

            if (node is not null)
            {
                throw new EmulatedIOException("Not a directory");
            }

            var prefix = memory == "/" ? "/" : memory + "/";
            var names = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var key in _nodes.Keys.Concat(_mounts.Select(m => m.ContainerPath)))
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
                return _nodes.Values.Sum(v => (long)(v?.Length ?? 0));
            }
        }
    }

    /// <summary>Every in-memory file and directory, for checkpoint archives.</summary>
    public IReadOnlyList<(string Path, string? Content)> Snapshot()
    {
        lock (_gate)
        {
            return _nodes.OrderBy(n => n.Key, StringComparer.Ordinal).Select(n => (n.Key, n.Value?.ToString())).ToArray();
        }
    }

    /// <summary>Makes <paramref name="path"/> absolute against <paramref name="workingDirectory"/> and normalises it.</summary>
    public static string Combine(string workingDirectory, string path) =>
        Normalize(path.StartsWith('/') ? path : workingDirectory.TrimEnd('/') + "/" + path);

    /// <summary>Resolves <c>.</c>, <c>..</c> and repeated slashes.</summary>
    public static string Normalize(string path)
    {
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

    private bool Exists(string memory, out bool isDirectory)
    {
        lock (_gate)
        {
            var found = _nodes.TryGetValue(memory, out var node);
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
            _nodes.TryAdd(parent, null);
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

    private sealed record MountPoint(string ContainerPath, string HostPath, bool ReadOnly);

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
