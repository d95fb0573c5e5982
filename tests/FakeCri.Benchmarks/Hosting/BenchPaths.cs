namespace FakeCri.Benchmarks.Hosting;

/// <summary>
/// Short unique paths under the temp directory: socket files (at most 107 bytes) and the host side of the
/// containers' mounts, which the fake resolves on the real file system.
/// </summary>
public static class BenchPaths
{
    public static string Root { get; } = Directory.CreateDirectory(
        Path.Combine(Path.GetTempPath(), "fakecri-bench", $"{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}")).FullName;

    public static string NewSocket() => Path.Combine(Root, $"{Guid.NewGuid().ToString("N")[..8]}.sock");

    /// <summary>A directory that exists, for a mount's host path (kubelet creates them before CreateContainer).</summary>
    public static string HostDirectory(string name) => Directory.CreateDirectory(Path.Combine(Root, "host", name)).FullName;

    /// <summary>A file that exists, for a file mount's host path (/etc/hosts, /dev/termination-log).</summary>
    public static string HostFile(string name)
    {
        var path = Path.Combine(HostDirectory("files"), name);
        if (!File.Exists(path))
        {
            File.WriteAllText(path, string.Empty);
        }

        return path;
    }
}
