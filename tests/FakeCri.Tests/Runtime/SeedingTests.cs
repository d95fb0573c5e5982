using FakeCri.Behaviors;
using FakeCri.Cri.V1;
using FakeCri.Images;
using FakeCri.Runtime;
using FakeCri.Tests.Infrastructure;
using Grpc.Core;
using Microsoft.Extensions.Time.Testing;

namespace FakeCri.Tests.Runtime;

/// <summary>
/// State seeded without RPCs — for testing a client's restart and reconciliation against a runtime that already
/// holds pods — and read back through typed views and through CRI.
/// </summary>
public sealed class SeedingTests
{
    private static readonly DateTimeOffset Yesterday = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SeedSandboxAndContainers_GivenStates_CriReportsThemWithTimestamps()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default.WithTimeProvider(_clock), Cancel);
        var pod = cri.Runtime.SeedSandbox(SandboxSeed.For("web").CreatedOn(Yesterday).WithLabel("app", "web"));
        var running = cri.Runtime.SeedContainer(ContainerSeed.For(pod, "app", "nginx").StartedOn(Yesterday.AddMinutes(1)));
        var crashed = cri.Runtime.SeedContainer(ContainerSeed.For(pod, "init", attempt: 2).StartedOn(Yesterday).Exited(1, finishedAt: Yesterday.AddSeconds(5)));
        var created = cri.Runtime.SeedContainer(ContainerSeed.For(pod, "later").Created());

        var podStatus = (await cri.RuntimeClient.PodSandboxStatusAsync(new PodSandboxStatusRequest { PodSandboxId = pod }, cancellationToken: Cancel)).Status;
        Assert.Equal((PodSandboxState.SandboxReady, Nanos(Yesterday), "web"), (podStatus.State, podStatus.CreatedAt, podStatus.Labels["app"]));
        Assert.StartsWith("127.88.", podStatus.Network.Ip, StringComparison.Ordinal);

        var runningStatus = await cri.StatusAsync(running, Cancel);
        Assert.Equal((ContainerState.ContainerRunning, Nanos(Yesterday.AddMinutes(1))), (runningStatus.State, runningStatus.StartedAt));
        Assert.Equal(cri.Runtime.GetImage("nginx")!.Id, runningStatus.ImageId);
        var crashedStatus = await cri.StatusAsync(crashed, Cancel);
        Assert.Equal((ContainerState.ContainerExited, 1, "Error", Nanos(Yesterday.AddSeconds(5)), 2u), (crashedStatus.State, crashedStatus.ExitCode, crashedStatus.Reason, crashedStatus.FinishedAt, crashedStatus.Metadata.Attempt));
        Assert.Equal(ContainerState.ContainerCreated, (await cri.StatusAsync(created, Cancel)).State);

        // The seeded running container really runs: exec reaches its emulated processes.
        var exec = await cri.RuntimeClient.ExecSyncAsync(new ExecSyncRequest { ContainerId = running, Cmd = { "hostname" } }, cancellationToken: Cancel);
        Assert.Equal("web\n", exec.Stdout.ToStringUtf8());
        Assert.Empty(cri.Journal.Calls("RunPodSandbox"));
    }

    [Fact]
    public async Task SeedSandbox_NotReady_NoIpAndContainersMayBeExited()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var pod = cri.Runtime.SeedSandbox(SandboxSeed.For("old").NotReady());

        var exited = cri.Runtime.SeedContainer(ContainerSeed.For(pod, "app").Exited(137));
        var running = Assert.Throws<ArgumentException>(() => cri.Runtime.SeedContainer(ContainerSeed.For(pod, "x")));

        var status = await cri.PodStatusAsync(pod, Cancel);
        Assert.Equal((PodSandboxState.SandboxNotready, string.Empty), (status.State, status.Network?.Ip ?? string.Empty));
        Assert.Equal((137, "Error"), ((await cri.StatusAsync(exited, Cancel)).ExitCode, (await cri.StatusAsync(exited, Cancel)).Reason));
        Assert.Contains("needs a READY sandbox", running.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Seed_NameTaken_SameErrorAsTheRpc()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        cri.Runtime.SeedSandbox(SandboxSeed.For("web"));

        var error = Assert.Throws<CriException>(() => cri.Runtime.SeedSandbox(SandboxSeed.For("web")));

        Assert.Equal(StatusCode.FailedPrecondition, error.Code);
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, cri.RuntimeClient.RunPodSandboxAsync(new RunPodSandboxRequest { Config = SandboxSeed.For("web").Config }, cancellationToken: Cancel));
    }

    [Fact]
    public async Task Seeding_EventSubscriber_SeesNoEventsForSeededState()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        using var events = cri.RuntimeClient.GetContainerEvents(new GetEventsRequest(), cancellationToken: Cancel);
        await cri.Runtime.WhenEventSubscribersAsync(1, Cancel);

        var seeded = cri.Runtime.SeedSandbox(SandboxSeed.For("quiet"));
        cri.Runtime.SeedContainer(ContainerSeed.For(seeded, "app"));
        var live = await cri.RunPodAsync(Kubelet.PodConfig("loud"), Cancel);

        Assert.True(await events.ResponseStream.MoveNext(Cancel));
        Assert.Equal(live, events.ResponseStream.Current.ContainerId);
    }

    [Fact]
    public async Task Snapshot_AfterSeeding_ConsistentTypedViews()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default.WithTimeProvider(_clock), Cancel);
        var pod = cri.Runtime.SeedSandbox(SandboxSeed.For("web", "shop"));
        var app = cri.Runtime.SeedContainer(ContainerSeed.For(pod, "app", "nginx:1.27"));

        var snapshot = cri.Runtime.Snapshot();

        var sandbox = Assert.Single(snapshot.Sandboxes);
        Assert.Equal((pod, "web", "shop", "web_shop_shop-web-uid_0"), (sandbox.Id, sandbox.Name, sandbox.Namespace, sandbox.ReservedName));
        Assert.Equal([app], sandbox.ContainerIds);
        var container = Assert.Single(snapshot.Containers);
        Assert.Equal((pod, "app", ContainerState.ContainerRunning, _clock.GetUtcNow()), (container.PodSandboxId, container.Name, container.State, container.StartedAt));
        Assert.Equal(["docker.io/library/nginx:1.27"], snapshot.Images.Single(i => i.Id == container.ImageId).RepoTags);
        Assert.Equal(pod, snapshot.ReservedNames["web_shop_shop-web-uid_0"]);
        Assert.Equal(app, snapshot.ReservedNames["app_web_shop_shop-web-uid_0"]);
        Assert.Equal(sandbox, cri.Runtime.GetSandbox(pod[..8])! with { Labels = sandbox.Labels, Annotations = sandbox.Annotations, ContainerIds = sandbox.ContainerIds });
    }

    [Fact]
    public async Task AddToCatalog_StrictImages_PullSucceedsWithCatalogMetadata()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default with { StrictImages = true }, Cancel);
        await RpcAssert.FailsAsync(StatusCode.NotFound, cri.ImageClient.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = "example.com/tool:1" } }, cancellationToken: Cancel));

        cri.Runtime.AddToCatalog(new CatalogImage { References = ["example.com/tool:1"], Size = 12345, User = "1001" });
        await cri.ImageClient.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = "example.com/tool:1" } }, cancellationToken: Cancel);

        var image = (await cri.ImageClient.ImageStatusAsync(new ImageStatusRequest { Image = new ImageSpec { Image = "example.com/tool:1" } }, cancellationToken: Cancel)).Image;
        Assert.Equal((12345UL, 1001L), (image.Size, image.Uid.Value));
    }

    [Fact]
    public async Task AddBehavior_WhileRunning_AppliesToContainersCreatedAfter()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default.WithTimeProvider(_clock), Cancel);
        var pod = cri.Runtime.SeedSandbox(SandboxSeed.For("p"));
        var before = cri.Runtime.SeedContainer(ContainerSeed.For(pod, "before"));

        cri.Runtime.AddBehavior(ContainerBehavior.ForAll().Crashes(TimeSpan.Zero, exitCode: 9));
        var after = cri.Runtime.SeedContainer(ContainerSeed.For(pod, "after"));

        Assert.Equal(ContainerState.ContainerRunning, cri.Runtime.GetContainer(before)!.State);
        Assert.Equal(9, (await cri.StatusAsync(after, Cancel)).ExitCode);
    }

    [Fact]
    public async Task Reset_Everything_FreshFakeWithSameIdSequence()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default.WithSeed(5), Cancel);
        var first = await cri.RunPodAsync(Kubelet.PodConfig("a"), Cancel);
        cri.Runtime.SeedContainer(ContainerSeed.For(first, "app"));
        cri.Faults.FailNext("Version", StatusCode.Internal, "x");
        cri.Faults.SetNetworkReady(false);

        cri.Reset();

        Assert.Empty(cri.Runtime.Sandboxes);
        Assert.Empty(cri.Runtime.Containers);
        Assert.Empty(cri.Runtime.Images);
        Assert.Empty(cri.Journal.Entries);
        Assert.Empty(cri.Faults.Rules);
        await cri.RuntimeClient.VersionAsync(new VersionRequest(), cancellationToken: Cancel);
        Assert.Equal(first, await cri.RunPodAsync(Kubelet.PodConfig("a"), Cancel));
        Assert.Equal("127.88.0.2", (await cri.PodStatusAsync(first, Cancel)).Network.Ip);
    }

    [Fact]
    public async Task ResetRuntimeOnly_JournalAndFaultsKept()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        await cri.RunPodAsync(Kubelet.PodConfig("a"), Cancel);
        cri.Faults.FailNext("Version", StatusCode.Unavailable, "x");

        cri.Runtime.Reset();

        Assert.Empty(cri.Runtime.Sandboxes);
        Assert.Single(cri.Journal.Entries);
        Assert.Single(cri.Faults.Rules);
    }

    private static long Nanos(DateTimeOffset at) => (at - DateTimeOffset.UnixEpoch).Ticks * 100;
}
