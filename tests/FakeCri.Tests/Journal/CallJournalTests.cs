using System.Text.Json;
using FakeCri.Cri.V1;
using FakeCri.Journal;
using FakeCri.Tests.Infrastructure;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Time.Testing;

namespace FakeCri.Tests.Journal;

/// <summary>The call journal: what was called, in order, with what, answered how, when.</summary>
public sealed class CallJournalTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Entries_AfterCalls_RecordRequestResponseStatusAndVirtualTime()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default.WithTimeProvider(_clock), Cancel);

        await cri.RuntimeClient.VersionAsync(new VersionRequest { Version = "v1" }, cancellationToken: Cancel);
        await RpcAssert.FailsAsync(StatusCode.NotFound, cri.RuntimeClient.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = "nope" }, cancellationToken: Cancel));

        var entries = cri.Journal.Entries;
        Assert.Equal(2, entries.Count);
        Assert.Equal((1L, "runtime.v1.RuntimeService", "Version", StatusCode.OK), (entries[0].Sequence, entries[0].Service, entries[0].Method, entries[0].Code));
        Assert.Equal("v1", entries[0].RequestAs<VersionRequest>()!.Version);
        Assert.Equal("fakecri", Assert.IsType<VersionResponse>(entries[0].Response).RuntimeName);
        Assert.Equal(_clock.GetUtcNow(), entries[0].StartedAt);
        Assert.Equal(TimeSpan.Zero, entries[0].Duration);
        Assert.Equal((StatusCode.NotFound, "an error occurred when try to find container \"nope\": not found"), (entries[1].Code, entries[1].Detail));
        Assert.Null(entries[1].Response);
        Assert.Equal("/runtime.v1.RuntimeService/ContainerStatus", entries[1].FullMethod);
    }

    [Fact]
    public async Task Request_ReadRepeatedly_SameObjectEqualToWhatWasSent()
    {
        // Entries keep their messages serialised and parse them on first read; reads after that see one object.
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var sent = new RunPodSandboxRequest { Config = Kubelet.PodConfig("kept") };
        await cri.RuntimeClient.RunPodSandboxAsync(sent, cancellationToken: Cancel);

        var entry = Assert.Single(cri.Journal.Calls("RunPodSandbox"));
        var again = Assert.Single(cri.Journal.Calls("RunPodSandbox"));

        Assert.Same(entry.Request, again.Request);
        Assert.Same(entry.Response, entry.Response);
        Assert.Equal(sent, entry.RequestAs<RunPodSandboxRequest>());
        Assert.Null(entry.RequestAs<VersionRequest>());
        Assert.Equal([sent], cri.Journal.Requests<RunPodSandboxRequest>());
        Assert.Equal(entry, entry with { });
        Assert.Equal(entry with { Request = sent.Clone() }, entry);
        Assert.NotEqual(entry with { Request = new RunPodSandboxRequest() }, entry);
    }

    [Fact]
    public async Task Entries_HealthAndReflectionCalls_NotJournaled()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var health = new Grpc.Health.V1.Health.HealthClient(cri.Channel);

        await health.CheckAsync(new Grpc.Health.V1.HealthCheckRequest(), cancellationToken: Cancel);

        Assert.Empty(cri.Journal.Entries);
    }

    [Fact]
    public async Task Entries_StreamingCall_CountsMessagesSent()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        cri.Runtime.SeedImage("busybox");
        cri.Runtime.SeedImage("nginx");

        using var stream = cri.ImageClient.StreamImages(new StreamImagesRequest(), cancellationToken: Cancel);
        while (await stream.ResponseStream.MoveNext(Cancel))
        {
        }

        var entry = Assert.Single(cri.Journal.Calls("StreamImages"));
        Assert.Equal((1, StatusCode.OK), (entry.StreamedMessages, entry.Code));
    }

    [Fact]
    public async Task AssertCalls_Differs_ThrowsWithSideBySideDiff()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        await cri.RuntimeClient.VersionAsync(new VersionRequest(), cancellationToken: Cancel);
        await RpcAssert.FailsAsync(StatusCode.NotFound, cri.RuntimeClient.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = "x" }, cancellationToken: Cancel));

        cri.Journal.AssertCalls("Version", "ContainerStatus");
        var error = Assert.Throws<JournalAssertionException>(() => cri.Journal.AssertCalls("Version", "StartContainer", "Status"));

        Assert.Contains("first at #2 (3 expected, 2 made)", error.Message, StringComparison.Ordinal);
        Assert.Contains("✗  2  StartContainer  ContainerStatus → NotFound", error.Message, StringComparison.Ordinal);
        Assert.Contains("✗  3  Status          -", error.Message, StringComparison.Ordinal);
        Assert.Contains("   1  Version         Version", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AssertImagePulledWithAuth_MatchesCredentials_ElseListsPulls()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var auth = new AuthConfig { Username = "alice", Password = "s3cret" };
        await cri.ImageClient.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = "nginx" }, Auth = auth }, cancellationToken: Cancel);

        cri.Journal.AssertImagePulledWithAuth("nginx", new AuthConfig { Username = "alice", Password = "s3cret" });
        var error = Assert.Throws<JournalAssertionException>(() => cri.Journal.AssertImagePulledWithAuth("nginx", null));
        Assert.Contains("pulls: nginx (auth:", error.Message, StringComparison.Ordinal);
        Assert.Throws<JournalAssertionException>(() => cri.Journal.AssertCalled("PullImage", 2));
        cri.Journal.AssertCalled("PullImage", 1);
    }

    [Fact]
    public async Task WhenCalledAsync_CallMadeLater_CompletesWithThatEntry()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var waiting = cri.Journal.WhenCalledAsync("Status", times: 2, Cancel);

        await cri.RuntimeClient.StatusAsync(new StatusRequest(), cancellationToken: Cancel);
        Assert.False(waiting.IsCompleted);
        await cri.RuntimeClient.StatusAsync(new StatusRequest { Verbose = true }, cancellationToken: Cancel);

        var entry = await waiting;
        Assert.True(entry.RequestAs<StatusRequest>()!.Verbose);
    }

    [Fact]
    public async Task ToJsonLines_EveryEntry_OneParsableObjectPerLine()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default.WithTimeProvider(_clock), Cancel);
        await cri.ImageClient.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = "busybox" } }, cancellationToken: Cancel);
        await RpcAssert.FailsAsync(StatusCode.NotFound, cri.RuntimeClient.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = "x" }, cancellationToken: Cancel));

        var lines = cri.Journal.ToJsonLines().Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(2, lines.Length);
        using var pull = JsonDocument.Parse(lines[0]);
        Assert.Equal("PullImage", pull.RootElement.GetProperty("method").GetString());
        Assert.Equal("2026-11-26T08:00:00.0000000Z", pull.RootElement.GetProperty("time").GetString());
        Assert.Equal("busybox", pull.RootElement.GetProperty("request").GetProperty("image").GetProperty("image").GetString());
        Assert.StartsWith("sha256:", pull.RootElement.GetProperty("response").GetProperty("imageRef").GetString(), StringComparison.Ordinal);
        using var failed = JsonDocument.Parse(lines[1]);
        Assert.Equal("NotFound", failed.RootElement.GetProperty("code").GetString());
        Assert.False(failed.RootElement.TryGetProperty("response", out _));
    }

    [Fact]
    public async Task Capacity_Exceeded_KeepsNewestAndSequenceKeepsCounting()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default with { JournalCapacity = 3 }, Cancel);
        for (var i = 0; i < 5; i++)
        {
            await cri.RuntimeClient.VersionAsync(new VersionRequest(), cancellationToken: Cancel);
        }

        Assert.Equal([3L, 4L, 5L], cri.Journal.Entries.Select(e => e.Sequence));
        cri.Journal.Clear();
        await cri.RuntimeClient.VersionAsync(new VersionRequest(), cancellationToken: Cancel);
        Assert.Equal(6, Assert.Single(cri.Journal.Entries).Sequence);
    }

    [Fact]
    public async Task Capacity_ManyCallsOfMixedSizes_NewestKeptByteForByte()
    {
        // The journal packs messages into shared, reused buffers: after thousands of calls of very different sizes
        // (some larger than a buffer), dropped and cleared ones included, the kept entries must still read back whole.
        await using var cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default with { JournalCapacity = 50 }, Cancel);
        var client = new RuntimeService.RuntimeServiceClient(cri.DirectCallInvoker);
        var sent = new List<string>();
        for (var i = 0; i < 3_000; i++)
        {
            var size = i % 97 == 0 ? 70_000 + i : (i * 37) % 3_000;
            var version = $"{i}:" + new string((char)('a' + (i % 26)), size);
            await client.VersionAsync(new VersionRequest { Version = version }, cancellationToken: Cancel);
            sent.Add(version);
            if (i == 1_234)
            {
                cri.Journal.Clear();
            }
        }

        var kept = cri.Journal.Entries;
        Assert.Equal(sent.TakeLast(50), kept.Select(e => e.RequestAs<VersionRequest>()!.Version));
        Assert.Equal(Enumerable.Range(2_951, 50).Select(i => (long)i), kept.Select(e => e.Sequence));
        Assert.All(kept, e => Assert.Equal("fakecri", Assert.IsType<VersionResponse>(e.Response).RuntimeName));
    }

    [Fact]
    public async Task Entries_DirectDoor_KeepTheBytesThatCrossedTheDoor()
    {
        // The direct door hands the journal the request's bytes and sends the response bytes the journal made: what
        // the journal shows must still be exactly what the client sent and received.
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var client = new RuntimeService.RuntimeServiceClient(cri.DirectCallInvoker);
        var run = new RunPodSandboxRequest { Config = Kubelet.PodConfig("wire") };
        var id = (await client.RunPodSandboxAsync(run, cancellationToken: Cancel)).PodSandboxId;
        var received = await client.PodSandboxStatusAsync(new PodSandboxStatusRequest { PodSandboxId = id, Verbose = true }, cancellationToken: Cancel);

        Assert.Equal(run.ToByteArray(), cri.Journal.Last("RunPodSandbox")!.Request!.ToByteArray());
        var status = cri.Journal.Last("PodSandboxStatus")!;
        Assert.Equal(received.ToByteArray(), status.Response!.ToByteArray());
        Assert.Equal(id, Assert.IsType<PodSandboxStatusRequest>(status.Request).PodSandboxId);
        Assert.Equal("wire", received.Status.Metadata.Name);
    }

    [Fact]
    public async Task Requests_ManyConcurrentClients_EveryCallRecordedOnce()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var client = new RuntimeService.RuntimeServiceClient(cri.DirectCallInvoker);

        await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            client.VersionAsync(new VersionRequest { Version = i.ToString(System.Globalization.CultureInfo.InvariantCulture) }, cancellationToken: Cancel).ResponseAsync));

        var versions = cri.Journal.Requests<VersionRequest>().Select(r => int.Parse(r.Version, System.Globalization.CultureInfo.InvariantCulture)).Order();
        Assert.Equal(Enumerable.Range(0, 200), versions);
        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), cri.Journal.Entries.Select(e => e.Sequence));
    }
}
