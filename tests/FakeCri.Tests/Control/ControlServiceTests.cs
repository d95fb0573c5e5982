using FakeCri.Control.V1;
using FakeCri.Cri.V1;
using FakeCri.Tests.Infrastructure;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Time.Testing;
using ControlClient = FakeCri.Control.V1.Control.ControlClient;
using ControlFaultMatch = FakeCri.Control.V1.FaultMatch;
using ControlFaultRule = FakeCri.Control.V1.FaultRule;

namespace FakeCri.Tests.Control;

/// <summary>The control API: everything a C# test can do, over the wire, for out-of-process clients.</summary>
public sealed class ControlServiceTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Doors.All), MemberType = typeof(Doors))]
    public async Task GetState_EveryDoor_ShowsWhatCriCreated(Door door)
    {
        await using var cri = await Doors.StartAsync(door);
        var control = new ControlClient(cri.Channel);
        var pod = await cri.RunPodAsync(Kubelet.PodConfig("web"), Cancel);

        var state = await control.GetStateAsync(new GetStateRequest(), cancellationToken: Cancel);

        var sandbox = Assert.Single(state.Sandboxes);
        Assert.Equal((pod, "web", "READY", "127.88.0.2"), (sandbox.Id, sandbox.Name, sandbox.State, sandbox.Ip));
        Assert.Equal(pod, state.ReservedNames["web_default_uid-web_0"]);
        Assert.Contains(state.Images, i => i.Pinned && i.RepoTags.Contains("registry.k8s.io/pause:3.10.2"));
    }

    [Fact]
    public async Task GetJournal_AfterSequenceAndMethod_FiltersAndCarriesJson()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var control = new ControlClient(cri.Channel);
        await cri.RuntimeClient.VersionAsync(new VersionRequest(), cancellationToken: Cancel);
        await cri.ImageClient.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = "busybox" } }, cancellationToken: Cancel);
        await cri.RuntimeClient.VersionAsync(new VersionRequest { Version = "v1" }, cancellationToken: Cancel);

        var all = await control.GetJournalAsync(new GetJournalRequest(), cancellationToken: Cancel);
        var later = await control.GetJournalAsync(new GetJournalRequest { AfterSequence = 1, Method = "Version" }, cancellationToken: Cancel);

        Assert.Equal(["Version", "PullImage", "Version"], all.Entries.Select(e => e.Method));
        var entry = Assert.Single(later.Entries);
        Assert.Equal((3L, "OK", "{ \"version\": \"v1\" }"), (entry.Sequence, entry.CodeName, entry.RequestJson));
        Assert.Contains("\"runtimeName\": \"fakecri\"", entry.ResponseJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddFault_OverTheWire_AppliesListsAndRemoves()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var control = new ControlClient(cri.Channel);

        var added = await control.AddFaultAsync(
            new AddFaultRequest { Rule = new ControlFaultRule { Method = "PullImage", Code = (int)StatusCode.Unavailable, Message = "registry down", Match = new ControlFaultMatch { Image = "nginx" } } },
            cancellationToken: Cancel);
        await RpcAssert.FailsAsync(StatusCode.Unavailable, cri.ImageClient.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = "nginx:latest" } }, cancellationToken: Cancel), "registry down");
        await cri.ImageClient.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = "busybox" } }, cancellationToken: Cancel);
        var listed = await control.ListFaultsAsync(new ListFaultsRequest(), cancellationToken: Cancel);
        await control.RemoveFaultAsync(new RemoveFaultRequest { Id = added.Rule.Id }, cancellationToken: Cancel);

        Assert.Equal("#1 fail with Unavailable \"registry down\": PullImage (image nginx)", added.Rule.Description);
        Assert.Equal(added.Rule.Id, Assert.Single(listed.Rules).Id);
        Assert.Empty(cri.Faults.Rules);
        await RpcAssert.FailsAsync(StatusCode.NotFound, control.RemoveFaultAsync(new RemoveFaultRequest { Id = 99 }, cancellationToken: Cancel), "fault rule #99: not found");
    }

    [Theory]
    [InlineData("PullImages", 14, "\"PullImages\" is not a CRI RPC")]
    [InlineData("PullImage", 0, "a failure needs a status code other than OK")]
    [InlineData("PullImage", 99, "rule.code 99 is not a gRPC status code")]
    public async Task AddFault_BadRule_InvalidArgumentNamingTheProblem(string method, int code, string message)
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var control = new ControlClient(cri.Channel);

        var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, control.AddFaultAsync(
            new AddFaultRequest { Rule = new ControlFaultRule { Method = method, Code = code } }, cancellationToken: Cancel));

        Assert.Contains(message, error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CrashContainer_AfterDelayOnVirtualClock_AdvanceClockMakesItHappen()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default.WithTimeProvider(_clock), Cancel);
        var control = new ControlClient(cri.Channel);
        var id = cri.Runtime.SeedContainer(FakeCri.Runtime.ContainerSeed.For(cri.Runtime.SeedSandbox(FakeCri.Runtime.SandboxSeed.For("p")), "app"));

        await control.CrashContainerAsync(new CrashContainerRequest { ContainerId = id[..6], Oom = true, After = Duration.FromTimeSpan(TimeSpan.FromSeconds(10)) }, cancellationToken: Cancel);
        var clock = await control.GetClockAsync(new GetClockRequest(), cancellationToken: Cancel);
        var moved = await control.AdvanceClockAsync(new AdvanceClockRequest { ToNextTimer = true }, cancellationToken: Cancel);

        Assert.True(clock.Virtual);
        Assert.Equal(moved.Now, clock.NextTimerDue);
        var status = await cri.StatusAsync(id, Cancel);
        Assert.Equal((ContainerState.ContainerExited, 137, "OOMKilled"), (status.State, status.ExitCode, status.Reason));
    }

    [Fact]
    public async Task AdvanceClock_RealClock_FailedPreconditionSayingHow()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var control = new ControlClient(cri.Channel);

        var error = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, control.AdvanceClockAsync(new AdvanceClockRequest { By = Duration.FromTimeSpan(TimeSpan.FromSeconds(1)) }, cancellationToken: Cancel));

        Assert.Contains("--virtual-clock", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetCondition_NetworkNotReady_StatusShowsIt()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var control = new ControlClient(cri.Channel);

        await control.SetConditionAsync(new SetConditionRequest { Type = "NetworkReady", Status = false, Reason = "NoCni", Message = "no config" }, cancellationToken: Cancel);

        var network = (await cri.RuntimeClient.StatusAsync(new StatusRequest(), cancellationToken: Cancel)).Status.Conditions[1];
        Assert.Equal(("NetworkReady", false, "NoCni", "no config"), (network.Type, network.Status, network.Reason, network.Message));
    }

    [Fact]
    public async Task AddBehaviorsAndSeedImages_ThenCreate_BehaviourApplies()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default.WithTimeProvider(_clock), Cancel);
        var control = new ControlClient(cri.Channel);

        var added = await control.AddBehaviorsAsync(new AddBehaviorsRequest { Document = "apiVersion: fakecri.io/v1alpha1\nkind: ContainerBehaviors\nbehaviors:\n  - match: { name: job }\n    exitAfter: 0s\n    exitCode: 5\n" }, cancellationToken: Cancel);
        var seeded = await control.SeedImagesAsync(new SeedImagesRequest { References = { "alpine:3.20" } }, cancellationToken: Cancel);
        var pod = await cri.RunPodAsync(Kubelet.PodConfig("p"), Cancel);
        var id = await cri.CreateAsync(pod, Kubelet.PodConfig("p"), Kubelet.ContainerConfig("job", "alpine:3.20"), Cancel);
        await cri.StartAsync(id, Cancel);

        Assert.Equal(1, added.Added);
        Assert.Equal(cri.Runtime.GetImage("alpine:3.20")!.Id, Assert.Single(seeded.ImageIds));
        Assert.Equal(5, (await cri.StatusAsync(id, Cancel)).ExitCode);
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, control.AddBehaviorsAsync(new AddBehaviorsRequest { Document = "kind: Nope" }, cancellationToken: Cancel));
    }

    [Fact]
    public async Task LoadScenario_BadField_InvalidArgumentWithLine()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var control = new ControlClient(cri.Channel);

        var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, control.LoadScenarioAsync(
            new LoadScenarioRequest { Document = "apiVersion: fakecri.io/v1alpha1\nkind: Scenario\npods:\n  - name: web\n    state: sleeping\n" }, cancellationToken: Cancel));

        Assert.Equal("scenario:5: pods[0].state: \"sleeping\" is not one of ready, notready", error.Status.Detail);
        Assert.Empty(cri.Runtime.Sandboxes);
    }

    [Fact]
    public async Task Reset_JournalOnly_KeepsStateAndFaults()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var control = new ControlClient(cri.Channel);
        await cri.RunPodAsync(Kubelet.PodConfig("p"), Cancel);
        cri.Faults.FailNext("Version", StatusCode.Unavailable, "x");

        await control.ResetAsync(new ResetRequest { Journal = true }, cancellationToken: Cancel);
        Assert.Empty(cri.Journal.Entries);
        Assert.Single(cri.Runtime.Sandboxes);
        Assert.Single(cri.Faults.Rules);

        await control.ResetAsync(new ResetRequest(), cancellationToken: Cancel);
        Assert.Empty(cri.Runtime.Sandboxes);
        Assert.Empty(cri.Faults.Rules);
    }

    [Fact]
    public async Task ControlCalls_NotJournaledAndNotFaulted()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var control = new ControlClient(cri.Channel);
        cri.Faults.Fail("*", StatusCode.Unavailable, "everything fails");

        await control.GetStateAsync(new GetStateRequest(), cancellationToken: Cancel);

        Assert.Empty(cri.Journal.Entries);
    }
}
