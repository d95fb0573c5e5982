using System.Reflection;
using FakeCri.Behaviors;
using FakeCri.Cri.V1;
using FakeCri.Runtime;
using Grpc.Core;
using Microsoft.Extensions.Time.Testing;

namespace FakeCri.Tests.Docs;

/// <summary>
/// The C# snippets in README.md are the <c>readme-*</c> regions of this file, verbatim: the tests run the code,
/// and <see cref="Readme_EverySnippet_MatchesTheCompiledTest"/> checks the README still shows exactly it.
/// </summary>
public sealed class ReadmeSnippetTests
{
    private static readonly string RepositoryRoot = typeof(ReadmeSnippetTests).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!;

    // README code stays free of test plumbing such as TestContext cancellation tokens.
#pragma warning disable xUnit1051
    [Fact]
    public async Task InProcessSnippet_Runs_AnswersVersionAndStatus()
    {
        #region readme-in-process
        await using var cri = await FakeCriServer.StartInProcessAsync();

        var version = await cri.RuntimeClient.VersionAsync(new VersionRequest());
        var status = await cri.RuntimeClient.StatusAsync(new StatusRequest());

        Assert.Equal("fakecri", version.RuntimeName);
        Assert.All(status.Status.Conditions, condition => Assert.True(condition.Status));
        #endregion
    }

    [Fact]
    public async Task OptionsSnippet_Runs_WithEverySetting()
    {
        #region readme-options
        var options = FakeCriOptions.Default
            .WithSeed(7)                                       // reproducible IDs
            .WithTimeProvider(new FakeTimeProvider())          // virtual clock (Microsoft.Extensions.TimeProvider.Testing)
            .WithRuntimeHandlers("runc", "kata")
            .WithRegistryCredential("registry.example.com", "alice", "s3cret");
        options = options with { StrictImages = true, PodCidr = "127.90.0.0/16" };
        await using var cri = await FakeCriServer.StartInProcessAsync(options);
        #endregion

        var status = await cri.RuntimeClient.StatusAsync(new StatusRequest());
        Assert.Equal(["", "kata", "runc"], status.RuntimeHandlers.Select(h => h.Name));
    }
    [Fact]
    public async Task BehaviorSnippet_Runs_ContainerCrashesOnTheVirtualClock()
    {
        #region readme-behaviors
        var clock = new FakeTimeProvider();
        await using var cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default
            .WithTimeProvider(clock)
            .WithBehavior(ContainerBehavior.ForImage("busybox").Crashes(after: TimeSpan.FromSeconds(5), exitCode: 2))
            .WithBehavior(ContainerBehavior.ForContainer("api").AnswersExec(["cat", "/ready"], stdout: "ok")));
        #endregion

        var podConfig = new PodSandboxConfig { Metadata = new PodSandboxMetadata { Name = "p", Namespace = "d", Uid = "u" } };
        var pod = (await cri.RuntimeClient.RunPodSandboxAsync(new RunPodSandboxRequest { Config = podConfig })).PodSandboxId;
        await cri.ImageClient.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = "busybox" } });
        var id = (await cri.RuntimeClient.CreateContainerAsync(new CreateContainerRequest
        {
            PodSandboxId = pod,
            SandboxConfig = podConfig,
            Config = new ContainerConfig { Metadata = new ContainerMetadata { Name = "c" }, Image = new ImageSpec { Image = "busybox" } },
        })).ContainerId;
        await cri.RuntimeClient.StartContainerAsync(new StartContainerRequest { ContainerId = id });
        await cri.Runtime.WhenTimerDueAsync(clock.GetUtcNow() + TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        clock.Advance(TimeSpan.FromSeconds(5));
        var status = (await cri.RuntimeClient.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = id })).Status;
        Assert.Equal((ContainerState.ContainerExited, 2, "Error"), (status.State, status.ExitCode, status.Reason));
    }
    [Fact]
    public async Task ToolkitSnippet_Runs_SeedsBreaksAndAdvances()
    {
        #region readme-toolkit
        var clock = new FakeTimeProvider();
        await using var cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default.WithTimeProvider(clock));
        var runtime = new RuntimeService.RuntimeServiceClient(cri.DirectCallInvoker);  // fastest door, same behaviour

        var pod = cri.Runtime.SeedSandbox(SandboxSeed.For("web"));                      // already there when the test starts
        var app = cri.Runtime.SeedContainer(ContainerSeed.For(pod, "app"));
        cri.Faults.FailNext("ContainerStatus", StatusCode.Unavailable, "runtime restarting");
        cri.Faults.CrashContainer(app, exitCode: 2, after: TimeSpan.FromSeconds(30));

        await Assert.ThrowsAsync<RpcException>(() => runtime.ContainerStatusAsync(new() { ContainerId = app }).ResponseAsync);
        var exited = await cri.Runtime.AdvanceUntilExitedAsync(app, TimeSpan.FromMinutes(1));

        Assert.Equal((2, "Error"), (exited!.ExitCode, exited.Reason));
        cri.Journal.AssertCalls("ContainerStatus");
        #endregion
    }
#pragma warning restore xUnit1051

    [Fact]
    public void Readme_EveryYamlDocument_Parses()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot, "README.md")).ReplaceLineEndings("\n");
        var blocks = readme.Split("```yaml\n").Skip(1).Select(b => b[..b.IndexOf("```", StringComparison.Ordinal)]).ToList();
        var behaviors = blocks.Where(b => b.Contains("kind: ContainerBehaviors", StringComparison.Ordinal)).ToList();
        var scenarios = blocks.Where(b => b.Contains("kind: Scenario", StringComparison.Ordinal)).ToList();

        Assert.Equal(blocks.Count, behaviors.Count + scenarios.Count);
        Assert.All(behaviors, b => Assert.NotEmpty(ContainerBehaviorDocument.Parse(b)));
        Assert.All(scenarios, b => Assert.NotEmpty(FakeCri.Scenarios.ScenarioDocument.Parse(b).Pods));
    }

    [Fact]
    public void Readme_EverySnippet_MatchesTheCompiledTest()
    {
        var source = File.ReadAllLines(Path.Combine(RepositoryRoot, "tests", "FakeCri.Tests", "Docs", "ReadmeSnippetTests.cs"));
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot, "README.md")).ReplaceLineEndings("\n");
        var regions = 0;

        for (var start = Array.FindIndex(source, IsRegion); start >= 0; start = Array.FindIndex(source, start + 1, IsRegion))
        {
            var end = Array.FindIndex(source, start, l => l.Trim() == "#endregion");
            var snippet = string.Join('\n', source[(start + 1)..end].Select(l => l.Length >= 8 ? l[8..] : l.Trim()));
            Assert.True(readme.Contains(snippet, StringComparison.Ordinal), $"README.md lacks the snippet {source[start].Trim()}:\n{snippet}");
            regions++;
        }

        Assert.Equal(4, regions);

        static bool IsRegion(string line) => line.Trim().StartsWith("#region readme-", StringComparison.Ordinal);
    }
}
