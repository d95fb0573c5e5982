using FakeCri.Cri.V1;
using FakeCri.Tests.Infrastructure;
using Google.Protobuf;
using Microsoft.Extensions.Time.Testing;

namespace FakeCri.Tests.Runtime;

/// <summary>The same seed, clock and calls give byte-identical responses; a different seed gives other IDs.</summary>
public sealed class DeterminismTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Scenario_SameSeedAndClock_ByteIdenticalResponses()
    {
        var logDirectory = TempSocket.NewDirectory();
        var first = await RunScenarioAsync(seed: 42, logDirectory);
        var second = await RunScenarioAsync(seed: 42, logDirectory);

        Assert.Equal(first.Count, second.Count);
        for (var i = 0; i < first.Count; i++)
        {
            Assert.True(first[i].SequenceEqual(second[i]), $"response {i} differs between runs");
        }
    }

    [Fact]
    public async Task Scenario_DifferentSeed_DifferentIds()
    {
        var logDirectory = TempSocket.NewDirectory();
        var first = await RunScenarioAsync(seed: 1, logDirectory);
        var second = await RunScenarioAsync(seed: 2, logDirectory);

        Assert.False(first[1].SequenceEqual(second[1]), "RunPodSandbox returned the same ID for different seeds");
    }

    private static async Task<List<byte[]>> RunScenarioAsync(int seed, string logDirectory)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var cri = await FakeCriServer.StartInProcessAsync(
            FakeCriOptions.Default.WithSeed(seed).WithTimeProvider(clock), Cancel);
        var responses = new List<byte[]>();
        void Record(IMessage message) => responses.Add(message.ToByteArray());

        Record(await cri.ImageClient.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = "nginx" } }, cancellationToken: Cancel));
        var podConfig = Kubelet.PodConfig("det", logDirectory: logDirectory);
        var run = await cri.RuntimeClient.RunPodSandboxAsync(new RunPodSandboxRequest { Config = podConfig }, cancellationToken: Cancel);
        Record(run);
        clock.Advance(TimeSpan.FromMilliseconds(1500));
        var create = await cri.RuntimeClient.CreateContainerAsync(
            new CreateContainerRequest { PodSandboxId = run.PodSandboxId, Config = Kubelet.ContainerConfig("web", "nginx"), SandboxConfig = podConfig },
            cancellationToken: Cancel);
        Record(create);
        clock.Advance(TimeSpan.FromSeconds(1));
        await cri.StartAsync(create.ContainerId, Cancel);
        clock.Advance(TimeSpan.FromSeconds(10));
        await cri.StopAsync(create.ContainerId, 5, Cancel);

        Record(await cri.RuntimeClient.PodSandboxStatusAsync(new PodSandboxStatusRequest { PodSandboxId = run.PodSandboxId, Verbose = true }, cancellationToken: Cancel));
        Record(await cri.RuntimeClient.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = create.ContainerId, Verbose = true }, cancellationToken: Cancel));
        Record(await cri.RuntimeClient.ListContainersAsync(new ListContainersRequest(), cancellationToken: Cancel));
        Record(await cri.RuntimeClient.ListPodSandboxAsync(new ListPodSandboxRequest(), cancellationToken: Cancel));
        Record(await cri.ImageClient.ListImagesAsync(new ListImagesRequest(), cancellationToken: Cancel));
        Record(await cri.ImageClient.ImageFsInfoAsync(new ImageFsInfoRequest(), cancellationToken: Cancel));
        return responses;
    }
}
