using FakeCri.Cri.V1;
using FakeCri.Faults;
using FakeCri.Scenarios;
using Grpc.Core;
using Microsoft.Extensions.Time.Testing;

namespace FakeCri.Tests.Scenarios;

/// <summary>Scenario files: every field read, every mistake named with its line, and the fake they produce.</summary>
public sealed class ScenarioDocumentTests
{
    private const string Full = """
        apiVersion: fakecri.io/v1alpha1
        kind: Scenario
        images:
          catalog:
            - references: [example.com/app:1]
              size: 4096
              user: "1001"
              cmd: [app, --serve]
          present: [busybox, example.com/app:1]
        behaviors:
          - match: { name: batch }
            exitAfter: 30s
            exitCode: 0
        faults:
          - method: PullImage
            code: Unavailable
            message: registry down
            times: 2
            match: { image: nginx }
          - method: CreateContainer
            kind: delay
            latency: 3s
        conditions:
          - type: NetworkReady
            status: false
            reason: NetworkPluginNotReady
            message: cni config uninitialized
        pods:
          - name: web
            namespace: shop
            uid: web-1
            labels: { app: web }
            containers:
              - name: app
                image: example.com/app:1
              - name: init
                state: exited
                exitCode: 0
          - name: gone
            state: notready
            containers:
              - name: app
                state: exited
                exitCode: 137
                reason: OOMKilled
        """;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public void Parse_FullDocument_EveryFieldRead()
    {
        var scenario = ScenarioDocument.Parse(Full);

        var image = Assert.Single(scenario.CatalogImages);
        Assert.Equal((4096UL, "1001"), (image.Size, image.User));
        Assert.Equal(["app", "--serve"], image.Cmd);
        Assert.Equal(["busybox", "example.com/app:1"], scenario.Images);
        Assert.Equal(TimeSpan.FromSeconds(30), Assert.Single(scenario.Behaviors).ExitAfter);
        Assert.Equal((FaultKind.Fail, StatusCode.Unavailable, 2, "nginx"), (scenario.Faults[0].Kind, scenario.Faults[0].Code, scenario.Faults[0].Times, scenario.Faults[0].Match.Image));
        Assert.Equal((FaultKind.Delay, TimeSpan.FromSeconds(3)), (scenario.Faults[1].Kind, scenario.Faults[1].Latency));
        Assert.Equal(new ScenarioCondition("NetworkReady", false, "NetworkPluginNotReady", "cni config uninitialized"), Assert.Single(scenario.Conditions));
        Assert.Equal(("web", "shop", "web-1"), (scenario.Pods[0].Sandbox.Config.Metadata.Name, scenario.Pods[0].Sandbox.Config.Metadata.Namespace, scenario.Pods[0].Sandbox.Config.Metadata.Uid));
        Assert.Equal([ContainerState.ContainerRunning, ContainerState.ContainerExited], scenario.Pods[0].Containers.Select(c => c.State));
        Assert.Equal((PodSandboxState.SandboxNotready, 137, "OOMKilled"), (scenario.Pods[1].Sandbox.State, scenario.Pods[1].Containers[0].ExitCode, scenario.Pods[1].Containers[0].Reason));
    }

    [Theory]
    [InlineData("apiVersion: v2\nkind: Scenario\n", "scenario:1: apiVersion: must be fakecri.io/v1alpha1, not \"v2\"")]
    [InlineData("apiVersion: fakecri.io/v1alpha1\nkind: Scenarios\n", "scenario:2: kind: must be Scenario, not \"Scenarios\"")]
    [InlineData("apiVersion: fakecri.io/v1alpha1\nkind: Scenario\npods:\n  - name: a\n    containers:\n      - name: c\n        state: stopped\n", "scenario:7: pods[0].containers[0].state: \"stopped\" is not one of created, running, exited")]
    [InlineData("apiVersion: fakecri.io/v1alpha1\nkind: Scenario\nfaults:\n  - method: PullImage\n    code: Broken\n", "scenario:5: faults[0].code: \"Broken\" is not a gRPC status code name")]
    [InlineData("apiVersion: fakecri.io/v1alpha1\nkind: Scenario\nfaults:\n  - kind: delay\n", "scenario:4: faults[0].latency: a delay needs a latency")]
    [InlineData("apiVersion: fakecri.io/v1alpha1\nkind: Scenario\nbehaviors:\n  - exitAfter: soon\n", "scenario:4: behaviors[0].exitAfter: \"soon\" is not a duration")]
    [InlineData("apiVersion: fakecri.io/v1alpha1\nkind: Scenario\nimages:\n  present: [\"UPPER:case\"]\n", "scenario:4: images.present[0]:")]
    [InlineData("apiVersion: fakecri.io/v1alpha1\nkind: Scenario\npods:\n  - name: a\n    nmespace: b\n", "scenario:5:")]
    [InlineData("apiVersion: fakecri.io/v1alpha1\nkind: Scenario\npods:\n  - name: a\n    state: notready\n    containers:\n      - name: c\n", "scenario:7: pods[0].containers[0].state: a running container needs a ready pod")]
    public void Parse_Mistake_FormatExceptionWithLineAndField(string yaml, string message)
    {
        var error = Assert.Throws<FormatException>(() => ScenarioDocument.Parse(yaml));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_File_ErrorsNameTheFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"fakecri-scenario-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, "apiVersion: fakecri.io/v1alpha1\nkind: Other\n");
        try
        {
            var error = Assert.Throws<FormatException>(() => ScenarioDocument.Load(path));
            Assert.StartsWith($"{path}:2: kind:", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task WithScenario_AtStart_FakeHoldsPodsImagesFaultsAndConditions()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));
        var options = FakeCriOptions.Default.WithTimeProvider(clock).WithScenario(ScenarioDocument.Parse(Full)) with { StrictImages = true };
        await using var cri = await FakeCriServer.StartInProcessAsync(options, Cancel);

        var pods = (await cri.RuntimeClient.ListPodSandboxAsync(new ListPodSandboxRequest(), cancellationToken: Cancel)).Items;
        var containers = (await cri.RuntimeClient.ListContainersAsync(new ListContainersRequest(), cancellationToken: Cancel)).Containers;
        var status = await cri.RuntimeClient.StatusAsync(new StatusRequest(), cancellationToken: Cancel);

        Assert.Equal([("web", PodSandboxState.SandboxReady), ("gone", PodSandboxState.SandboxNotready)], pods.Select(p => (p.Metadata.Name, p.State)));
        Assert.Equal(3, containers.Count);
        Assert.Equal(["app", "--serve"], cri.Runtime.Containers[0].CommandLine);
        Assert.False(status.Status.Conditions[1].Status);
        Assert.Equal(2, cri.Faults.Rules.Count);
        await Infrastructure.RpcAssert.FailsAsync(StatusCode.Unavailable, cri.ImageClient.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = "nginx" } }, cancellationToken: Cancel));
        Assert.Empty(cri.Journal.Calls("RunPodSandbox"));
    }
}
