using System.Reflection;

namespace FakeCri.Runtime;

/// <summary>The names and versions the runtime reports in the CRI <c>Version</c> call.</summary>
public static class RuntimeIdentity
{
    /// <summary>The version of the kubelet runtime API the fake speaks, as every CRI runtime reports it.</summary>
    public const string KubeletApiVersion = "0.1.0";

    /// <summary>The CRI API version.</summary>
    public const string RuntimeApiVersion = "v1";

    /// <summary>The runtime name reported to clients (containerd reports <c>containerd</c>).</summary>
    public const string RuntimeName = "fakecri";

    /// <summary>FakeCri's own version, from the assembly (build metadata after '+' removed).</summary>
    public static string RuntimeVersion { get; } = ReadAssemblyVersion();

    private static string ReadAssemblyVersion()
    {
        var assembly = typeof(RuntimeIdentity).Assembly;
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        var version = informational ?? assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }
}
