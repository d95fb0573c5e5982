namespace FakeCri.Services.Internal;

/// <summary>Splits a gRPC path (<c>/runtime.v1.RuntimeService/Version</c>) and says whether it is a CRI call.</summary>
internal static class CriMethod
{
    private const string CriPackagePrefix = "runtime.v1.";

    public static bool TryParse(string path, out string service, out string method)
    {
        var slash = path.LastIndexOf('/');
        service = slash > 1 ? path[1..slash] : string.Empty;
        method = slash >= 0 ? path[(slash + 1)..] : path;
        return service.StartsWith(CriPackagePrefix, StringComparison.Ordinal);
    }
}
