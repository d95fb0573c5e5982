using FakeCri.Cri.V1;
using FakeCri.Xunit;

namespace Quickstart;

/// <summary>
/// One fake for every test of the class, its logs in each test's output. The tests share the runtime and run in no
/// guaranteed order, so each one names its own pod.
/// </summary>
public sealed class ClassFixtureTests(FakeCriFixture cri) : IClassFixture<FakeCriFixture>
{
    [Fact]
    public async Task RunPodSandbox_NewPod_IsReadyWithAnIp()
    {
        var cancel = TestContext.Current.CancellationToken;
        var config = new PodSandboxConfig
        {
            Metadata = new PodSandboxMetadata { Name = "web", Namespace = "quickstart", Uid = Guid.NewGuid().ToString() },
        };

        var pod = await cri.RuntimeClient.RunPodSandboxAsync(new RunPodSandboxRequest { Config = config }, cancellationToken: cancel);
        var status = await cri.RuntimeClient.PodSandboxStatusAsync(
            new PodSandboxStatusRequest { PodSandboxId = pod.PodSandboxId }, cancellationToken: cancel);

        Assert.Equal(PodSandboxState.SandboxReady, status.Status.State);
        Assert.NotEmpty(status.Status.Network.Ip);
    }

    [Fact]
    public async Task PullImage_Busybox_IsListed()
    {
        var cancel = TestContext.Current.CancellationToken;

        var pulled = await cri.ImageClient.PullImageAsync(
            new PullImageRequest { Image = new ImageSpec { Image = "busybox" } }, cancellationToken: cancel);
        var images = await cri.ImageClient.ListImagesAsync(new ListImagesRequest(), cancellationToken: cancel);

        Assert.Contains(images.Images, image => image.Id == pulled.ImageRef);
    }
}
