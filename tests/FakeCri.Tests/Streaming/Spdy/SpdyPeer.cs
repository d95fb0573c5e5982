using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace FakeCri.Tests.Streaming.Spdy;

/// <summary>
/// <c>spdypeer</c> (tests/peers/spdy-go): a Go client on moby/spdystream, the SPDY library kubelet and client-go use,
/// run as a real process. Built by <c>tests/peers/spdy-go/build.sh</c> (CI does; it needs Debian's Go and
/// spdystream). Without it the tests that use it are skipped — unless <c>FAKECRI_REQUIRE_PEERS=1</c>, as in CI,
/// where a missing peer is a failure.
/// </summary>
internal static class SpdyPeer
{
    private static readonly string RepositoryRoot = typeof(SpdyPeer).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!;

    /// <summary>The peer's path: <c>FAKECRI_SPDY_PEER</c>, or where build.sh puts it by default.</summary>
    public static string Path { get; } = Environment.GetEnvironmentVariable("FAKECRI_SPDY_PEER") is { Length: > 0 } configured
        ? configured
        : System.IO.Path.Combine(RepositoryRoot, "tests", "peers", "spdy-go", "bin", "spdypeer");

    /// <summary>Skips the calling test when the peer is not built (fails instead when peers are required).</summary>
    public static void RequireBuilt()
    {
        if (File.Exists(Path))
        {
            return;
        }

        var message = $"the Go SPDY peer is not built at {Path}; run tests/peers/spdy-go/build.sh (needs: apt-get install golang-go golang-github-docker-spdystream-dev)";
        if (Environment.GetEnvironmentVariable("FAKECRI_REQUIRE_PEERS") == "1")
        {
            Assert.Fail(message);
        }

        Assert.Skip(message);
    }

    /// <summary>Runs the peer with these arguments; returns its JSON report (the process must exit 0).</summary>
    public static async Task<JsonElement> RunAsync(IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        RequireBuilt();
        var start = new ProcessStartInfo(Path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var report = await stdout;
        Assert.True(process.ExitCode == 0, $"spdypeer exited {process.ExitCode}: {await stderr}\n{report}");
        using var json = JsonDocument.Parse(report);
        return json.RootElement.Clone();
    }
}
