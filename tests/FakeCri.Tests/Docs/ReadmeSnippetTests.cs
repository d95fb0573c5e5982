using System.Reflection;
using FakeCri.Cri.V1;

namespace FakeCri.Tests.Docs;

/// <summary>
/// The C# snippets in README.md are these test bodies, verbatim: the test runs the code, and a second test
/// checks the README still shows exactly it.
/// </summary>
public sealed class ReadmeSnippetTests
{
    private static readonly string RepositoryRoot = typeof(ReadmeSnippetTests).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!;

    [Fact]
    public async Task InProcessSnippet_Runs_AnswersVersionAndStatus()
    {
        // README code stays free of test plumbing such as TestContext cancellation tokens.
#pragma warning disable xUnit1051
        #region readme-in-process
        await using var cri = await FakeCriServer.StartInProcessAsync();

        var version = await cri.RuntimeClient.VersionAsync(new VersionRequest());
        var status = await cri.RuntimeClient.StatusAsync(new StatusRequest());

        Assert.Equal("fakecri", version.RuntimeName);
        Assert.All(status.Status.Conditions, condition => Assert.True(condition.Status));
        #endregion
#pragma warning restore xUnit1051
    }

    [Fact]
    public void Readme_InProcessSnippet_MatchesTheCompiledTest()
    {
        var source = File.ReadAllLines(Path.Combine(RepositoryRoot, "tests", "FakeCri.Tests", "Docs", "ReadmeSnippetTests.cs"));
        var start = Array.FindIndex(source, l => l.Trim() == "#region readme-in-process");
        var end = Array.FindIndex(source, start, l => l.Trim() == "#endregion");
        var snippet = source[(start + 1)..end].Select(l => l.Length >= 8 ? l[8..] : l.Trim());

        var readme = File.ReadAllText(Path.Combine(RepositoryRoot, "README.md")).ReplaceLineEndings("\n");

        Assert.Contains(string.Join('\n', snippet), readme);
    }
}
