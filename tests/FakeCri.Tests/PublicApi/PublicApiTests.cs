using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Text;
using FakeCri.Tests.Infrastructure;

namespace FakeCri.Tests.PublicApi;

/// <summary>
/// The public API of the FakeCri package is tracked in <c>FakeCri.approved.txt</c> next to this file, so that changing
/// it is a deliberate, reviewed act. To accept a change, run the test with <c>FAKECRI_APPROVE_API=1</c>: it rewrites the
/// file in the source tree and passes.
/// </summary>
public sealed class PublicApiTests
{
    private const string ApproveVariable = "FAKECRI_APPROVE_API";

    private const string ApproveCommand =
        $"{ApproveVariable}=1 dotnet test --project tests/FakeCri.Tests -- --filter-class FakeCri.Tests.PublicApi.PublicApiTests";

    /// <summary>Generated from proto/ (the wire contract has its own test): thousands of members nobody writes by hand.</summary>
    private static readonly string[] GeneratedNamespaces = ["FakeCri.Cri.V1", "FakeCri.Control.V1"];

    private static readonly string RepositoryRoot = typeof(PublicApiTests).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!;

    private static string ApprovedPath =>
        Path.Combine(RepositoryRoot, "tests", "FakeCri.Tests", "PublicApi", "FakeCri.approved.txt");

    [Fact]
    public async Task FakeCriAssembly_PublicSurface_MatchesApprovedFile()
    {
        var current =
            $"# The public API of the FakeCri package, outside the generated {string.Join(" and ", GeneratedNamespaces)}.\n"
            + $"# Written by PublicApiTests; to accept a change: {ApproveCommand}\n\n"
            + PublicApiRenderer.Render(typeof(FakeCriServer).Assembly, GeneratedNamespaces);

        if (Environment.GetEnvironmentVariable(ApproveVariable) == "1")
        {
            await File.WriteAllTextAsync(ApprovedPath, current, new UTF8Encoding(false), TestContext.Current.CancellationToken);
            return;
        }

        var approved = File.Exists(ApprovedPath)
            ? (await File.ReadAllTextAsync(ApprovedPath, TestContext.Current.CancellationToken)).ReplaceLineEndings("\n")
            : "";
        if (approved != current)
        {
            Assert.Fail(
                $"The public API of FakeCri differs from {Path.GetRelativePath(RepositoryRoot, ApprovedPath)}.\n"
                + $"If the change is deliberate, run with {ApproveVariable}=1 to accept it:\n  {ApproveCommand}\n\n"
                + LineDiff.Unified(approved, current, "approved", "current"));
        }
    }

    [Fact]
    public void CliAssembly_Built_ExposesNoPublicTypes()
    {
        // FakeCri.Cli is a tool, not a library: should it ever export types, they belong in the approved surface too.
        using var stream = File.OpenRead(FakeCriProcess.CliPath);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();

        // Except the class of top-level statements, made public by ASP.NET Core's generator (for WebApplicationFactory).
        var entryPoint = MetadataTokens.MethodDefinitionHandle(pe.PEHeaders.CorHeader!.EntryPointTokenOrRelativeVirtualAddress);
        var program = metadata.GetMethodDefinition(entryPoint).GetDeclaringType();
        var exported = metadata.TypeDefinitions
            .Where(t => t != program)
            .Select(metadata.GetTypeDefinition)
            .Where(t => (t.Attributes & TypeAttributes.VisibilityMask) is TypeAttributes.Public or TypeAttributes.NestedPublic)
            .Select(t => metadata.GetString(t.Namespace) + "." + metadata.GetString(t.Name));

        Assert.Empty(exported);
    }
}
