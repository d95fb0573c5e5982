using System.IO.Compression;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace FakeCri.Tests.Packaging;

/// <summary>
/// What <c>dotnet pack</c> produces: the FakeCri library package (readme, XML docs, proto files, license, embedded
/// symbols) and the FakeCri.Cli tool package, installed with <c>dotnet tool install</c> and run as <c>fakecri</c>.
/// Slow (a Release build of both projects, about a minute); runs in parallel with the other test classes.
/// </summary>
public sealed class ToolPackageTests(PackedPackages packages, ITestOutputHelper output) : IClassFixture<PackedPackages>
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public void PackLibrary_Nupkg_HasReadmeDocsProtoLicenseAndEmbeddedSymbols()
    {
        output.WriteLine($"packing both packages took {packages.PackDuration.TotalSeconds:F0} s");
        using var nupkg = ZipFile.OpenRead(packages.LibraryPackage);
        var entries = nupkg.Entries.Select(e => e.FullName).ToHashSet();

        Assert.Contains("README.md", entries);
        Assert.Contains("lib/net10.0/FakeCri.dll", entries);
        Assert.Contains("lib/net10.0/FakeCri.xml", entries);
        Assert.Contains("proto/runtime/v1/api.proto", entries);

        var metadata = Nuspec(nupkg, "FakeCri");
        Assert.Equal(("expression", "Apache-2.0"), License(metadata));
        Assert.Equal("README.md", Element(metadata, "readme"));
        Assert.Equal(PackedPackages.Version, Element(metadata, "version"));
        Assert.False(string.IsNullOrWhiteSpace(Element(metadata, "description")));
        AssertRepositoryCommit(metadata);

        // Symbols: the portable PDB (with SourceLink and every source file) is embedded in the DLL, no .snupkg.
        Assert.True(HasEmbeddedPdb(nupkg.GetEntry("lib/net10.0/FakeCri.dll")!), "FakeCri.dll should embed its portable PDB");
        var documentation = XDocument.Load(nupkg.GetEntry("lib/net10.0/FakeCri.xml")!.Open());
        Assert.Contains(documentation.Descendants("member"), m => (string?)m.Attribute("name") == "T:FakeCri.FakeCriServer");
    }

    [Fact]
    public async Task PackTool_InstalledFromLocalFeed_FakecriVersionPrintsPackageVersion()
    {
        using (var nupkg = ZipFile.OpenRead(packages.ToolPackage))
        {
            var entries = nupkg.Entries.Select(e => e.FullName).ToHashSet();
            Assert.Contains("README.md", entries);
            Assert.Contains("tools/net10.0/any/FakeCri.Cli.dll", entries);
            Assert.DoesNotContain("tools/net10.0/any/FakeCri.xml", entries);
            var settings = XDocument.Load(nupkg.GetEntry("tools/net10.0/any/DotnetToolSettings.xml")!.Open());
            Assert.Equal("fakecri", (string?)settings.Descendants("Command").Single().Attribute("Name"));

            var metadata = Nuspec(nupkg, "FakeCri.Cli");
            Assert.Equal(("expression", "Apache-2.0"), License(metadata));
            Assert.Equal("README.md", Element(metadata, "readme"));
            Assert.Equal("DotnetTool", (string?)metadata.Descendants(metadata.Name.Namespace + "packageType").Single().Attribute("name"));
        }

        // Only the local feed, and a private package cache: no network, and no stale FakeCri.Cli from an earlier run.
        var config = Path.Combine(packages.Root, "nuget.config");
        await File.WriteAllTextAsync(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{packages.Feed}" />
              </packageSources>
            </configuration>
            """, TestContext.Current.CancellationToken);
        var tools = Path.Combine(packages.Root, "tools");
        var install = await DotnetCommand.RunDotnetAsync(
            ["tool", "install", "FakeCri.Cli", "--tool-path", tools, "--configfile", config, "--version", PackedPackages.Version],
            packages.Root,
            CommandTimeout,
            TestContext.Current.CancellationToken,
            new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(packages.Root, "nuget-packages") });
        Assert.True(install.ExitCode == 0, install.ToString());

        var version = await DotnetCommand.RunAsync(
            Path.Combine(tools, "fakecri"), ["--version"], packages.Root, CommandTimeout, TestContext.Current.CancellationToken);

        Assert.True(version.ExitCode == 0, version.ToString());
        Assert.Matches($@"^{Regex.Escape(PackedPackages.Version)}(\+[0-9a-f]+)?$", version.Stdout.Trim());
    }

    private static XElement Nuspec(ZipArchive nupkg, string id)
    {
        using var stream = nupkg.GetEntry($"{id}.nuspec")!.Open();
        return XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    private static string? Element(XElement metadata, string name) => (string?)metadata.Element(metadata.Name.Namespace + name);

    private static (string?, string?) License(XElement metadata)
    {
        var license = metadata.Element(metadata.Name.Namespace + "license");
        return ((string?)license?.Attribute("type"), (string?)license);
    }

    /// <summary>SourceLink's half of the nuspec: the commit the package was built from (when built from a git checkout).</summary>
    private static void AssertRepositoryCommit(XElement metadata)
    {
        if (!Path.Exists(Path.Combine(PackedPackages.RepositoryRoot, ".git")))
        {
            return;
        }

        var repository = metadata.Element(metadata.Name.Namespace + "repository");
        Assert.NotNull(repository);
        Assert.Equal("git", (string?)repository.Attribute("type"));
        Assert.Matches("^[0-9a-f]{40}$", (string?)repository.Attribute("commit") ?? "");
    }

    private static bool HasEmbeddedPdb(ZipArchiveEntry dll)
    {
        using var copy = new MemoryStream();
        using (var stream = dll.Open())
        {
            stream.CopyTo(copy);
        }

        copy.Position = 0;
        using var pe = new PEReader(copy);
        return pe.ReadDebugDirectory().Any(d => d.Type == DebugDirectoryEntryType.EmbeddedPortablePdb);
    }
}
