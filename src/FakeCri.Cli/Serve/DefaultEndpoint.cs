using System.Collections;

namespace FakeCri.Cli.Serve;

/// <summary>
/// Where <c>fakecri serve</c> listens when no endpoint is configured: containerd's habit of a socket under
/// <c>/run</c> when that is writable (root), else under <c>$XDG_RUNTIME_DIR</c>, else under the temp directory.
/// </summary>
internal static class DefaultEndpoint
{
    public const string PreferredDirectory = "/run/fakecri";
    public const string SocketName = "fakecri.sock";

    public static FakeCriEndpoint Resolve(IDictionary environment)
    {
        if (IsWritableDirectory(PreferredDirectory))
        {
            return FakeCriEndpoint.Unix(Path.Combine(PreferredDirectory, SocketName));
        }

        if (environment["XDG_RUNTIME_DIR"] is string xdg && xdg.StartsWith('/')
            && IsWritableDirectory(Path.Combine(xdg, "fakecri")))
        {
            return FakeCriEndpoint.Unix(Path.Combine(xdg, "fakecri", SocketName));
        }

        return FakeCriEndpoint.Unix(Path.Combine(Path.GetTempPath(), "fakecri", SocketName));
    }

    private static bool IsWritableDirectory(string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
            var probe = Path.Combine(directory, $".probe-{Environment.ProcessId}");
            using (File.Create(probe, 1, FileOptions.DeleteOnClose))
            {
            }

            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
