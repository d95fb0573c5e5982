using System.Collections.Concurrent;

namespace FakeCri.Services.Internal;

/// <summary>Splits a gRPC path (<c>/runtime.v1.RuntimeService/Version</c>) and says whether it is a CRI call.</summary>
internal static class CriMethod
{
    private const string CriPackagePrefix = "runtime.v1.";

    // Every call asks; the paths are the few dozen of the services, so the split strings are made once each.
    private static readonly ConcurrentDictionary<string, (string Service, string Method)> Split = new(StringComparer.Ordinal);

    public static bool TryParse(string path, out string service, out string method)
    {
        (service, method) = Split.TryGetValue(path, out var known) ? known : SplitOnce(path);
        return service.StartsWith(CriPackagePrefix, StringComparison.Ordinal);
    }

    private static (string Service, string Method) SplitOnce(string path)
    {
        var slash = path.LastIndexOf('/');
        var parts = (slash > 1 ? path[1..slash] : string.Empty, slash >= 0 ? path[(slash + 1)..] : path);

        // At most 256 paths are remembered: the services have a few dozen, and a client may send any number of others.
        return Split.Count < 256 ? Split.GetOrAdd(path, parts) : parts;
    }
}
