using FakeCri.Runtime;

namespace FakeCri.Cli.Serve;

/// <summary>
/// What <c>fakecri serve</c> prints once it accepts connections: each endpoint, and the exact crictl and kubelet
/// flags that point at it. Written to stdout (logs go to stderr) so scripts can read it.
/// </summary>
internal static class StartupBanner
{
    /// <summary>The first word of each endpoint line, stable for scripts and tests.</summary>
    public const string ListeningPrefix = "listening on ";

    public static void Write(TextWriter output, IReadOnlyList<FakeCriEndpoint> endpoints)
    {
        output.WriteLine(
            $"fakecri {RuntimeIdentity.RuntimeVersion}: CRI {RuntimeIdentity.RuntimeApiVersion} runtime, in memory");
        foreach (var endpoint in endpoints)
        {
            output.WriteLine(ListeningPrefix + endpoint);
        }

        var first = endpoints[0];
        output.WriteLine();
        output.WriteLine("crictl:");
        output.WriteLine($"  crictl --runtime-endpoint {first} --image-endpoint {first} version");
        output.WriteLine("kubelet:");
        output.WriteLine($"  --container-runtime-endpoint={first} --image-service-endpoint={first}");
        output.WriteLine();
        output.WriteLine("Ctrl+C or SIGTERM stops the server.");
        output.Flush();
    }
}
