using FakeCri.Images;

namespace FakeCri.Tests.Images;

/// <summary>Docker-style reference normalisation as containerd's ParseDockerRef does it.</summary>
public sealed class ImageReferenceTests
{
    private const string Hex64 = "7cc4b5aefd1d0cadf8d97d4350462ba51c694ebca145b08d7d41b41acc8db5aa";
    private const string Sha256 = "sha256:" + Hex64;
    private const string Sha384 = "sha384:" + Hex64 + "0123456789abcdef0123456789abcdef";
    private const string Sha512 = "sha512:" + Hex64 + Hex64;

    [Theory]
    [InlineData("busybox", "docker.io/library/busybox:latest")]
    [InlineData("busybox:1.36", "docker.io/library/busybox:1.36")]
    [InlineData("user/app", "docker.io/user/app:latest")]
    [InlineData("registry.k8s.io/pause", "registry.k8s.io/pause:latest")]
    [InlineData("localhost:5000/x", "localhost:5000/x:latest")]
    [InlineData("localhost/x", "localhost/x:latest")]
    [InlineData("docker.io/busybox", "docker.io/library/busybox:latest")]
    [InlineData("index.docker.io/busybox", "docker.io/library/busybox:latest")]
    [InlineData("index.docker.io/user/app:v1", "docker.io/user/app:v1")]
    [InlineData("docker.io/library/busybox:latest", "docker.io/library/busybox:latest")]
    [InlineData("registry.k8s.io/e2e-test-images/busybox:1.29-2", "registry.k8s.io/e2e-test-images/busybox:1.29-2")]
    [InlineData("busybox@" + Sha256, "docker.io/library/busybox@" + Sha256)]
    [InlineData("busybox:1.36@" + Sha256, "docker.io/library/busybox@" + Sha256)]
    [InlineData("quay.io/a/b/c:t@" + Sha256, "quay.io/a/b/c@" + Sha256)]
    [InlineData("x@" + Sha384, "docker.io/library/x@" + Sha384)]
    [InlineData("x@" + Sha512, "docker.io/library/x@" + Sha512)]
    [InlineData("Registry.Example.COM:443/team/app:V2", "Registry.Example.COM:443/team/app:V2")]
    [InlineData("192.168.1.1:5000/repo", "192.168.1.1:5000/repo:latest")]
    [InlineData("[::1]:5000/repo:tag", "[::1]:5000/repo:tag")]
    [InlineData("[2001:db8::1]/repo", "[2001:db8::1]/repo:latest")]
    [InlineData("xn--n3h.com/my-image", "xn--n3h.com/my-image:latest")]
    [InlineData("user/a.b-c_d__e---f", "docker.io/user/a.b-c_d__e---f:latest")]
    [InlineData("busybox:_v1.0-rc.1", "docker.io/library/busybox:_v1.0-rc.1")]
    public void Parse_ValidReference_Normalises(string input, string expected)
    {
        Assert.Equal(expected, ImageReference.Parse(input).ToString());
    }

    [Theory]
    // containerd quirks kept on purpose: an upper-case first component is a domain, and a single component is always
    // a Docker Hub name, even "localhost", an ID-like "sha256:..." or a 64-hex name that carries a tag.
    [InlineData("Foo/bar", "Foo/bar:latest")]
    [InlineData("localhost", "docker.io/library/localhost:latest")]
    [InlineData("localhost:5000", "docker.io/library/localhost:5000")]
    [InlineData("sha256:abc", "docker.io/library/sha256:abc")]
    [InlineData(Sha256, "docker.io/library/sha256:" + Hex64)]
    [InlineData(Hex64 + ":v1", "docker.io/library/" + Hex64 + ":v1")]
    public void Parse_DockerQuirk_NormalisesLikeContainerd(string input, string expected)
    {
        Assert.Equal(expected, ImageReference.Parse(input).ToString());
    }

    [Fact]
    public void Parse_TaggedOfficialImage_SplitsIntoParts()
    {
        var reference = ImageReference.Parse("busybox:1.36");

        Assert.Equal("docker.io", reference.Domain);
        Assert.Equal("library/busybox", reference.Path);
        Assert.Equal("1.36", reference.Tag);
        Assert.Null(reference.Digest);
        Assert.Equal("docker.io/library/busybox", reference.Repository);
    }

    [Fact]
    public void Parse_RegistryWithPortAndNestedPath_SplitsIntoParts()
    {
        var reference = ImageReference.Parse("localhost:5000/e2e-test-images/busybox");

        Assert.Equal("localhost:5000", reference.Domain);
        Assert.Equal("e2e-test-images/busybox", reference.Path);
        Assert.Equal("latest", reference.Tag);
        Assert.Equal("localhost:5000/e2e-test-images/busybox", reference.Repository);
    }

    [Fact]
    public void Parse_TagAndDigest_DropsTagKeepsDigest()
    {
        var reference = ImageReference.Parse("registry.k8s.io/pause:3.10@" + Sha256);

        Assert.Null(reference.Tag);
        Assert.Equal(Sha256, reference.Digest);
        Assert.Equal("registry.k8s.io/pause", reference.Repository);
    }

    [Fact]
    public void Parse_DigestOnly_AddsNoDefaultTag()
    {
        var reference = ImageReference.Parse("busybox@" + Sha256);

        Assert.Null(reference.Tag);
        Assert.Equal(Sha256, reference.Digest);
    }

    [Theory]
    [InlineData(":")]
    [InlineData("@")]
    [InlineData("a:b:c")]
    [InlineData("a//b")]
    [InlineData("a/")]
    [InlineData("/a")]
    [InlineData("busybox:")]
    [InlineData("busybox:1.36 ")]
    [InlineData(" busybox")]
    [InlineData("busybox!")]
    [InlineData("busybox\n")]
    [InlineData("busybox:.hidden")]
    [InlineData("busybox:-dash")]
    [InlineData("busybox:a/b")]
    [InlineData("-a")]
    [InlineData("a-")]
    [InlineData("a..b")]
    [InlineData("a___b")]
    [InlineData("a._b")]
    [InlineData("docker.io/")]
    [InlineData("localhost:/x")]
    [InlineData("-host.com/x")]
    [InlineData("host-.com/x")]
    [InlineData("host..com/x")]
    [InlineData("[::1/x")]
    [InlineData("[]/x")]
    [InlineData("[fe80::1%eth0]:5000/repo")]
    [InlineData("a_b.com/x")]
    public void TryParse_MalformedReference_FailsWithGenericFormatError(string input)
    {
        var ok = ImageReference.TryParse(input, out var reference, out var error);

        Assert.False(ok);
        Assert.Null(reference);
        Assert.Equal($"invalid reference format: \"{input}\"", error);
    }

    [Theory]
    [InlineData("UPPER")]
    [InlineData("Busybox")]
    [InlineData("Busybox:1.36")]
    [InlineData("user/App")]
    [InlineData("docker.io/Library/x")]
    [InlineData("registry.k8s.io/Pause:3.10")]
    public void TryParse_UpperCaseRepository_FailsMustBeLowercase(string input)
    {
        Assert.False(ImageReference.TryParse(input, out _, out var error));
        Assert.Equal($"invalid reference format: repository name must be lowercase: \"{input}\"", error);
    }

    [Theory]
    [InlineData("busybox@sha256:abc")]
    [InlineData("busybox@sha256:" + "7CC4B5AEFD1D0CADF8D97D4350462BA51C694EBCA145B08D7D41B41ACC8DB5AA")]
    [InlineData("busybox@sha256:" + Hex64 + "0")]
    [InlineData("busybox@sha256:" + "cc4b5aefd1d0cadf8d97d4350462ba51c694ebca145b08d7d41b41acc8db5aa")]
    [InlineData("busybox@sha512:" + Hex64)]
    [InlineData("busybox@md5:0123456789abcdef0123456789abcdef")]
    [InlineData("busybox@" + Hex64)]
    [InlineData("busybox@")]
    [InlineData("busybox@" + Sha256 + "@" + Sha256)]
    [InlineData("busybox:1.36@sha256:abc")]
    public void TryParse_BadDigest_FailsInvalidDigest(string input)
    {
        Assert.False(ImageReference.TryParse(input, out _, out var error));
        Assert.Equal($"invalid reference format: invalid digest: \"{input}\"", error);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\n")]
    public void TryParse_EmptyOrWhitespace_FailsEmpty(string? input)
    {
        Assert.False(ImageReference.TryParse(input, out var reference, out var error));
        Assert.Null(reference);
        Assert.Equal("invalid reference format: empty", error);
    }

    [Fact]
    public void TryParse_Bare64Hex_FailsHexadecimalName()
    {
        Assert.False(ImageReference.TryParse(Hex64, out _, out var error));
        Assert.Equal($"invalid reference format: cannot specify 64-byte hexadecimal strings: \"{Hex64}\"", error);
    }

    [Fact]
    public void TryParse_TagOf128Characters_Succeeds()
    {
        var tag = "v" + new string('1', 127);

        Assert.True(ImageReference.TryParse("busybox:" + tag, out var reference, out _));
        Assert.Equal(tag, reference.Tag);
    }

    [Fact]
    public void TryParse_TagOf129Characters_Fails()
    {
        var input = "busybox:v" + new string('1', 128);

        Assert.False(ImageReference.TryParse(input, out _, out var error));
        Assert.Equal($"invalid reference format: \"{input}\"", error);
    }

    [Fact]
    public void TryParse_NameOf255Characters_Succeeds()
    {
        // "docker.io/" is 10 characters of the 255.
        var input = "user/" + new string('a', 240);

        Assert.True(ImageReference.TryParse(input, out var reference, out _));
        Assert.Equal(255, reference.Repository.Length);
    }

    [Fact]
    public void TryParse_NameOf256Characters_FailsTooLong()
    {
        var input = "user/" + new string('a', 241);

        Assert.False(ImageReference.TryParse(input, out _, out var error));
        Assert.Equal($"invalid reference format: repository name must not be more than 255 characters: \"{input}\"", error);
    }

    [Fact]
    public void TryParse_OfficialPrefixPushesNameOver255_FailsTooLong()
    {
        // 9 + 1 + 8 ("library/") + 238 = 256: the implied prefix counts, as in docker.
        var input = new string('a', 238);

        Assert.False(ImageReference.TryParse(input, out _, out var error));
        Assert.Contains("must not be more than 255 characters", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Invalid_ThrowsFormatExceptionWithTheError()
    {
        Assert.False(ImageReference.TryParse("a//b", out _, out var error));

        var exception = Assert.Throws<FormatException>(() => ImageReference.Parse("a//b"));

        Assert.Equal(error, exception.Message);
    }

    [Theory]
    [InlineData("busybox")]
    [InlineData("busybox:1.36")]
    [InlineData("user/app")]
    [InlineData("localhost:5000/x")]
    [InlineData("Registry.Example.COM:443/team/app:V2")]
    [InlineData("[::1]:5000/repo:tag")]
    [InlineData("busybox:1.36@" + Sha256)]
    [InlineData("quay.io/a/b/c@" + Sha512)]
    [InlineData("sha256:abc")]
    public void Parse_NormalisedText_RoundTrips(string input)
    {
        var reference = ImageReference.Parse(input);

        var again = ImageReference.Parse(reference.ToString());

        Assert.Equal(reference, again);
        Assert.Equal(reference.ToString(), again.ToString());
        Assert.Equal(reference.Domain, again.Domain);
        Assert.Equal(reference.Path, again.Path);
        Assert.Equal(reference.Tag, again.Tag);
        Assert.Equal(reference.Digest, again.Digest);
    }

    [Fact]
    public void Equals_TwoSpellingsOfOneReference_AreEqual()
    {
        var shortForm = ImageReference.Parse("busybox");
        var longForm = ImageReference.Parse("index.docker.io/library/busybox:latest");

        Assert.Equal(shortForm, longForm);
        Assert.True(shortForm == longForm);
        Assert.Equal(shortForm.GetHashCode(), longForm.GetHashCode());
    }

    [Fact]
    public void Equals_DifferentTags_AreNotEqual()
    {
        Assert.NotEqual(ImageReference.Parse("busybox"), ImageReference.Parse("busybox:1.36"));
        Assert.True(ImageReference.Parse("busybox") != ImageReference.Parse("busybox:1.36"));
    }

    [Theory]
    [InlineData(Sha256, true)]
    [InlineData("sha256:0000000000000000000000000000000000000000000000000000000000000000", true)]
    [InlineData(Hex64, false)]
    [InlineData("sha256:" + "7CC4B5AEFD1D0CADF8D97D4350462BA51C694EBCA145B08D7D41B41ACC8DB5AA", false)]
    [InlineData("sha256:" + Hex64 + "0", false)]
    [InlineData("sha256:abc", false)]
    [InlineData(Sha512, false)]
    [InlineData("SHA256:" + Hex64, false)]
    [InlineData(Sha256 + " ", false)]
    [InlineData(" " + Sha256, false)]
    [InlineData("sha256:", false)]
    [InlineData("busybox", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsImageId_Text_RecognisesOnlySha256With64LowerHex(string? text, bool expected)
    {
        Assert.Equal(expected, ImageReference.IsImageId(text));
    }

    [Fact]
    public void WithTag_DigestReference_ReplacesDigestWithTag()
    {
        var reference = ImageReference.Parse("registry.k8s.io/pause@" + Sha256).WithTag("3.10");

        Assert.Equal("3.10", reference.Tag);
        Assert.Null(reference.Digest);
        Assert.Equal("registry.k8s.io/pause:3.10", reference.ToString());
    }

    [Fact]
    public void WithTag_TaggedReference_ReplacesTag()
    {
        var reference = ImageReference.Parse("busybox:1.36").WithTag("Latest_1");

        Assert.Equal(ImageReference.Parse("docker.io/library/busybox:Latest_1"), reference);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-x")]
    [InlineData(".x")]
    [InlineData("a:b")]
    [InlineData("a@b")]
    [InlineData("a b")]
    public void WithTag_InvalidTag_ThrowsArgumentException(string tag)
    {
        var reference = ImageReference.Parse("busybox");

        var exception = Assert.Throws<ArgumentException>(() => reference.WithTag(tag));

        Assert.Equal("tag", exception.ParamName);
        Assert.Contains("invalid reference format", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithTag_TagOf129Characters_ThrowsArgumentException()
    {
        var reference = ImageReference.Parse("busybox");

        Assert.Throws<ArgumentException>(() => reference.WithTag(new string('a', 129)));
    }

    [Fact]
    public void WithDigest_TaggedReference_ReplacesTagWithDigest()
    {
        var reference = ImageReference.Parse("busybox:1.36").WithDigest(Sha256);

        Assert.Null(reference.Tag);
        Assert.Equal(Sha256, reference.Digest);
        Assert.Equal("docker.io/library/busybox@" + Sha256, reference.ToString());
        Assert.Equal(ImageReference.Parse("busybox:1.36@" + Sha256), reference);
    }

    [Theory]
    [InlineData("")]
    [InlineData("sha256:abc")]
    [InlineData(Hex64)]
    [InlineData("md5:0123456789abcdef0123456789abcdef")]
    [InlineData("sha256:" + "7CC4B5AEFD1D0CADF8D97D4350462BA51C694EBCA145B08D7D41B41ACC8DB5AA")]
    public void WithDigest_InvalidDigest_ThrowsArgumentException(string digest)
    {
        var reference = ImageReference.Parse("busybox");

        var exception = Assert.Throws<ArgumentException>(() => reference.WithDigest(digest));

        Assert.Equal("digest", exception.ParamName);
        Assert.Contains("invalid digest", exception.Message, StringComparison.Ordinal);
    }
}
