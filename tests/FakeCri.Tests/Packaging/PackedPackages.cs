using System.Reflection;

namespace FakeCri.Tests.Packaging;

/// <summary>
/// <c>dotnet pack</c> of FakeCri.Cli and FakeCri, once per test class, into a temporary directory. Everything the
/// build writes (obj, bin, publish) goes to an artifacts path in that directory too, never to the repository's
/// src/*/bin or src/*/obj, so it cannot disturb a build running next to the tests.
/// </summary>
public sealed class PackedPackages : IAsyncLifetime
{
    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(10);

    /// <summary>The repository checkout the packages are built from.</summary>
    public static string RepositoryRoot { get; } = typeof(PackedPackages).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!;

    /// <summary>The package version: FakeCri's informational version without the <c>+commit</c> suffix.</summary>
    public static string Version { get; } = typeof(FakeCriServer).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];

    /// <summary>The temporary directory holding everything.</summary>
    public string Root { get; } = Directory.CreateTempSubdirectory("fakecri-pack-").FullName;

    /// <summary>Where the .nupkg files are: a local NuGet feed.</summary>
    public string Feed => Path.Combine(Root, "feed");

    /// <summary>The FakeCri library package.</summary>
    public string LibraryPackage => Path.Combine(Feed, $"FakeCri.{Version}.nupkg");

    /// <summary>The FakeCri.Cli tool package.</summary>
    public string ToolPackage => Path.Combine(Feed, $"FakeCri.Cli.{Version}.nupkg");

    /// <summary>How long packing both took.</summary>
    public TimeSpan PackDuration { get; private set; }

    /// <inheritdoc/>
    public async ValueTask InitializeAsync()
    {
        var started = TimeProvider.System.GetTimestamp();

        // The tool first: it builds the library too, so packing the library afterwards only packs.
        foreach (var project in new[] { "src/FakeCri.Cli", "src/FakeCri" })
        {
            var result = await DotnetCommand.RunDotnetAsync(
                [
                    "pack", project, "-c", "Release", "-o", Feed,
                    "--artifacts-path", Path.Combine(Root, "artifacts"),
                    "-nodeReuse:false", "-p:UseSharedCompilation=false", "-clp:NoSummary",
                ],
                RepositoryRoot,
                PackTimeout,
                TestContext.Current.CancellationToken);
            Assert.True(result.ExitCode == 0, result.ToString());
        }

        PackDuration = TimeProvider.System.GetElapsedTime(started);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp directory is not a test failure.
        }
        catch (UnauthorizedAccessException)
        {
        }

        return ValueTask.CompletedTask;
    }
}
