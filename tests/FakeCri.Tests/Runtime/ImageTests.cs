using System.Text;
using System.Text.Json;
using FakeCri.Cri.V1;
using FakeCri.Images;
using FakeCri.Tests.Infrastructure;
using Grpc.Core;

namespace FakeCri.Tests.Runtime;

/// <summary>ImageService: references, pulls, statuses and removal as containerd's CRI image store does them.</summary>
public sealed class ImageTests
{
    private const string CriTools = "gcr.io/k8s-staging-cri-tools/";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("busybox", "docker.io/library/busybox:latest")]
    [InlineData("busybox:1.36", "docker.io/library/busybox:1.36")]
    [InlineData("docker.io/library/nginx:1.27", "docker.io/library/nginx:1.27")]
    [InlineData("registry.k8s.io/e2e-test-images/busybox:1.29-2", "registry.k8s.io/e2e-test-images/busybox:1.29-2")]
    [InlineData("localhost:5000/team/app", "localhost:5000/team/app:latest")]
    public async Task PullImage_Reference_NormalisedTagRecordedAndIdReturned(string reference, string tag)
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);

        var imageRef = await cri.PullAsync(reference, Cancel);
        var image = await StatusAsync(cri, reference);

        Assert.Matches("^sha256:[0-9a-f]{64}$", imageRef);
        Assert.Equal(imageRef, image!.Id);
        Assert.Equal([tag], image.RepoTags);
        var digest = Assert.Single(image.RepoDigests);
        Assert.Matches($"^{tag[..tag.LastIndexOf(':')]}@sha256:[0-9a-f]{{64}}$", digest);
        Assert.True(image.Size > 0);
    }

    [Fact]
    public async Task PullImage_ThreeTagsOfOneImage_MergeIntoOneImage()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);

        var refs = new List<string>();
        foreach (var tag in new[] { "1", "2", "3" })
        {
            refs.Add(await cri.PullAsync(CriTools + "test-image-tags:" + tag, Cancel));
        }

        var image = Assert.Single((await cri.ImageClient.ListImagesAsync(new ListImagesRequest(), cancellationToken: Cancel)).Images);
        Assert.Single(refs.Distinct());
        Assert.Equal(refs[0], image.Id);
        Assert.Equal([CriTools + "test-image-tags:1", CriTools + "test-image-tags:2", CriTools + "test-image-tags:3"], image.RepoTags);
        Assert.Single(image.RepoDigests);
    }

    [Fact]
    public async Task PullImage_ThreeDifferentImages_ThreeDistinctIdsEachWithItsTag()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var names = new[] { "test-image-1:latest", "test-image-2:latest", "test-image-3:latest" }.Select(n => CriTools + n).ToArray();

        var refs = new List<string>();
        foreach (var name in names)
        {
            refs.Add(await cri.PullAsync(name, Cancel));
        }

        var images = (await cri.ImageClient.ListImagesAsync(new ListImagesRequest(), cancellationToken: Cancel)).Images;
        Assert.Equal(3, refs.Distinct().Count());
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal([names[i]], images.Single(image => image.Id == refs[i]).RepoTags);
        }
    }

    [Fact]
    public async Task ImageStatus_EveryReferenceForm_ReturnsIdenticalImage()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        await cri.PullAsync(CriTools + "test-image-tag:all", Cancel);
        var reference = await StatusAsync(cri, CriTools + "test-image-tag:all");

        var forms = new List<string> { reference!.Id, reference.Id[7..], reference.Id[..19], reference.Id[7..20] };
        forms.AddRange(reference.RepoTags);
        forms.AddRange(reference.RepoDigests);

        foreach (var form in forms)
        {
            Assert.Equal(reference, await StatusAsync(cri, form));
        }
    }

    [Fact]
    public async Task ImageStatus_WithoutTag_DefaultsToLatest()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        await cri.PullAsync(CriTools + "test-image-latest:latest", Cancel);

        var image = await StatusAsync(cri, CriTools + "test-image-latest");

        Assert.Equal([CriTools + "test-image-latest:latest"], image!.RepoTags);
    }

    [Fact]
    public async Task PullImage_ByDigest_RecordsOnlyTheDigest()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default with { StrictImages = true }, Cancel);
        const string ByDigest = CriTools + "test-image-digest@sha256:9700f9a2f5bf2c45f2f605a0bd3bce7cf37420ec9d3ed50ac2758413308766bf";

        await cri.PullAsync(ByDigest, Cancel);
        var image = await StatusAsync(cri, ByDigest);

        Assert.Empty(image!.RepoTags);
        Assert.Equal([ByDigest], image.RepoDigests);
    }

    [Fact]
    public async Task PullImage_TagBesideDigest_TagDropped()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var digest = "sha256:" + new string('1', 64);

        await cri.PullAsync($"example.com/app:v1@{digest}", Cancel);
        var image = await StatusAsync(cri, $"example.com/app@{digest}");

        Assert.Empty(image!.RepoTags);
        Assert.Equal([$"example.com/app@{digest}"], image.RepoDigests);
    }

    [Fact]
    public async Task ImageStatus_Unknown_EmptyResponseNotError()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);

        var response = await cri.ImageClient.ImageStatusAsync(
            new ImageStatusRequest { Image = new ImageSpec { Image = "never-pulled:1" } }, cancellationToken: Cancel);

        Assert.Null(response.Image);
    }

    [Fact]
    public async Task ImageCalls_EmptyReference_InvalidArgument()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        await cri.PullAsync("busybox", Cancel);
        var empty = new ImageSpec { Image = "" };

        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, cri.ImageClient.ImageStatusAsync(new ImageStatusRequest { Image = empty }, cancellationToken: Cancel));
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, cri.ImageClient.RemoveImageAsync(new RemoveImageRequest { Image = empty }, cancellationToken: Cancel));
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, cri.ImageClient.PullImageAsync(new PullImageRequest(), cancellationToken: Cancel));
        Assert.Single((await cri.ImageClient.ListImagesAsync(new ListImagesRequest(), cancellationToken: Cancel)).Images);
    }

    [Theory]
    [InlineData("Busybox")]
    [InlineData("a//b")]
    [InlineData("busybox@sha256:short")]
    public async Task PullImage_InvalidReference_UnknownParseError(string reference)
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);

        var error = await RpcAssert.FailsAsync(StatusCode.Unknown, () => cri.PullAsync(reference, Cancel));

        Assert.StartsWith($"failed to parse image reference \"{reference}\"", error.Status.Detail);
    }

    [Fact]
    public async Task RemoveImage_ByOneTag_RemovesEveryReference()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var id = await cri.PullAsync(CriTools + "test-image-tags:1", Cancel);
        await cri.PullAsync(CriTools + "test-image-tags:2", Cancel);

        await cri.ImageClient.RemoveImageAsync(new RemoveImageRequest { Image = new ImageSpec { Image = CriTools + "test-image-tags:2" } }, cancellationToken: Cancel);

        Assert.Null(await StatusAsync(cri, CriTools + "test-image-tags:1"));
        Assert.Null(await StatusAsync(cri, id));
        Assert.Empty((await cri.ImageClient.ListImagesAsync(new ListImagesRequest(), cancellationToken: Cancel)).Images);
        await cri.ImageClient.RemoveImageAsync(new RemoveImageRequest { Image = new ImageSpec { Image = id } }, cancellationToken: Cancel);
    }

    [Theory]
    [InlineData("test-image-user-uid", 1002L, "")]
    [InlineData("test-image-user-username", null, "www-data")]
    [InlineData("test-image-user-uid-group", 1003L, "")]
    [InlineData("test-image-user-username-group", null, "www-data")]
    public async Task ImageStatus_ImageUser_UidOrUsername(string name, long? uid, string username)
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        await cri.PullAsync(CriTools + name, Cancel);

        var image = await StatusAsync(cri, CriTools + name);

        Assert.Equal(uid, image!.Uid?.Value);
        Assert.Equal(username, image.Username);
    }

    [Fact]
    public async Task ImageFsInfo_FollowsPullsAndRemoves()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var empty = await UsageAsync(cri);
        await cri.PullAsync("nginx", Cancel);
        var one = await UsageAsync(cri);
        await cri.PullAsync("busybox", Cancel);
        var two = await UsageAsync(cri);
        await cri.ImageClient.RemoveImageAsync(new RemoveImageRequest { Image = new ImageSpec { Image = "nginx" } }, cancellationToken: Cancel);
        var back = await UsageAsync(cri);

        Assert.Equal(0UL, empty.UsedBytes.Value);
        Assert.True(one.UsedBytes.Value > 0 && two.UsedBytes.Value > one.UsedBytes.Value);
        Assert.True(back.UsedBytes.Value < two.UsedBytes.Value && back.UsedBytes.Value > 0);
        Assert.Equal("/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs", back.FsId.Mountpoint);
        Assert.True(back.Timestamp > 0);
    }

    [Fact]
    public async Task PullImage_StrictModeUnknownReference_NotFoundLikeARegistry()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default with { StrictImages = true }, Cancel);

        await RpcAssert.FailsAsync(
            StatusCode.NotFound,
            () => cri.PullAsync("nosuch/image:1", Cancel),
            "failed to pull and unpack image \"docker.io/nosuch/image:1\": failed to resolve reference \"docker.io/nosuch/image:1\": docker.io/nosuch/image:1: not found");
        Assert.StartsWith("sha256:", await cri.PullAsync("busybox", Cancel));
    }

    [Fact]
    public async Task PullImage_PermissiveUnknownReference_DeterministicMetadata()
    {
        await using var first = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        await using var second = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);

        var a = await first.PullAsync("quay.io/acme/widget:2.1", Cancel);
        var b = await second.PullAsync("quay.io/acme/widget:2.1", Cancel);

        Assert.Equal(a, b);
        Assert.Equal(await StatusAsync(first, a), await StatusAsync(second, b));
    }

    [Fact]
    public async Task PullImage_RegistryNeedsCredentials_FailsWithoutAndSucceedsWith()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(
            FakeCriOptions.Default.WithRegistryCredential("registry.example.com", "alice", "s3cret"), Cancel);
        var request = new PullImageRequest { Image = new ImageSpec { Image = "registry.example.com/private/app:1" } };

        var anonymous = await RpcAssert.FailsAsync(StatusCode.Unknown, cri.ImageClient.PullImageAsync(request, cancellationToken: Cancel));
        request.Auth = new AuthConfig { Username = "alice", Password = "wrong" };
        await RpcAssert.FailsAsync(StatusCode.Unknown, cri.ImageClient.PullImageAsync(request, cancellationToken: Cancel));
        request.Auth = new AuthConfig { Username = "alice", Password = "s3cret" };
        var withPassword = await cri.ImageClient.PullImageAsync(request, cancellationToken: Cancel);
        request.Auth = new AuthConfig { Auth = Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:s3cret")) };
        var withAuth = await cri.ImageClient.PullImageAsync(request, cancellationToken: Cancel);

        Assert.Contains("pull access denied", anonymous.Status.Detail);
        Assert.Equal(withPassword.ImageRef, withAuth.ImageRef);
        Assert.StartsWith("sha256:", await cri.PullAsync("busybox", Cancel)); // other registries stay open
    }

    [Fact]
    public async Task ImageStatus_Verbose_InfoCarriesImageConfig()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        await cri.PullAsync("nginx", Cancel);

        var response = await cri.ImageClient.ImageStatusAsync(
            new ImageStatusRequest { Image = new ImageSpec { Image = "nginx" }, Verbose = true }, cancellationToken: Cancel);

        using var info = JsonDocument.Parse(response.Info["info"]);
        var config = info.RootElement.GetProperty("imageSpec").GetProperty("config");
        Assert.Equal("SIGQUIT", config.GetProperty("StopSignal").GetString());
        Assert.Equal("/docker-entrypoint.sh", config.GetProperty("Entrypoint")[0].GetString());
    }

    [Fact]
    public async Task ImageCatalog_CustomImage_PulledWithItsMetadata()
    {
        var catalog = ImageCatalog.Empty.With(new CatalogImage
        {
            References = ["example.com/team/api:2.0", "example.com/team/api:latest"],
            Size = 12_345_678,
            User = "app",
            Users = new Dictionary<string, (long Uid, long Gid)> { ["app"] = (10001, 10001) },
        });
        await using var cri = await FakeCriServer.StartInProcessAsync(
            FakeCriOptions.Default.WithImages(catalog) with { StrictImages = true }, Cancel);

        var byTag = await cri.PullAsync("example.com/team/api:2.0", Cancel);
        var byOtherTag = await cri.PullAsync("example.com/team/api", Cancel);
        var image = await StatusAsync(cri, byTag);

        Assert.Equal(byTag, byOtherTag);
        Assert.Equal(12_345_678UL, image!.Size);
        Assert.Equal("app", image.Username);
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => cri.PullAsync("busybox", Cancel));
    }

    [Fact]
    public async Task StreamImages_SameItemsAsList()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        await cri.PullAsync("busybox", Cancel);
        await cri.PullAsync("nginx", Cancel);
        var listed = (await cri.ImageClient.ListImagesAsync(new ListImagesRequest(), cancellationToken: Cancel)).Images;

        var streamed = new List<Image>();
        using var call = cri.ImageClient.StreamImages(new StreamImagesRequest(), cancellationToken: Cancel);
        while (await call.ResponseStream.MoveNext(Cancel))
        {
            streamed.AddRange(call.ResponseStream.Current.Images);
        }

        Assert.Equal(listed, streamed);
    }

    private static async Task<Image?> StatusAsync(FakeCriServer cri, string reference) =>
        (await cri.ImageClient.ImageStatusAsync(
            new ImageStatusRequest { Image = new ImageSpec { Image = reference } }, cancellationToken: Cancel)).Image;

    private static async Task<FilesystemUsage> UsageAsync(FakeCriServer cri) =>
        (await cri.ImageClient.ImageFsInfoAsync(new ImageFsInfoRequest(), cancellationToken: Cancel)).ImageFilesystems.Single();
}
