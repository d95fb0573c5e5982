namespace FakeCri.Tests.Infrastructure;

/// <summary>
/// Short, unique socket paths: a unix socket path may hold at most 107 bytes, so they live directly under the
/// temp directory rather than deep inside the test output folder.
/// </summary>
public static class TempSocket
{
    public static string NewDirectory()
    {
        var directory = Path.Combine(Path.GetTempPath(), "fakecri-tests", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        return directory;
    }

    public static string NewPath() => Path.Combine(NewDirectory(), "cri.sock");
}
