namespace FakeCri.Images;

/// <summary>
/// The images every fake knows out of the box: what kubelet pulls for sandboxes, what tutorials run, and what the
/// Kubernetes e2e suite and critest pull. Configs follow the real images (users, entrypoints, stop signals, ports);
/// digests are FakeCri's own, stable across runs, except where a test pins a real one.
/// </summary>
internal static class BuiltInImages
{
    private const string Path = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private const string CriTools = "gcr.io/k8s-staging-cri-tools/";
    private const string E2e = "registry.k8s.io/e2e-test-images/";

    public static IReadOnlyList<CatalogImage> All { get; } =
    [
        Pause("registry.k8s.io/pause:3.10.2"),
        Pause("registry.k8s.io/pause:3.10"),
        Pause("registry.k8s.io/pause:3.9"),
        new CatalogImage
        {
            References = ["docker.io/library/busybox:latest", "docker.io/library/busybox:1.37", "docker.io/library/busybox:1.37.0"],
            Size = 2_156_000,
            Cmd = ["sh"],
            Env = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
        },
        new CatalogImage { References = ["docker.io/library/busybox:1.36", "docker.io/library/busybox:1.36.1"], Size = 2_150_000, Cmd = ["sh"] },
        new CatalogImage { References = ["docker.io/library/busybox:1.28"], Size = 728_000, Cmd = ["sh"] },
        new CatalogImage
        {
            References = ["docker.io/library/alpine:latest", "docker.io/library/alpine:3.21"],
            Size = 3_640_000,
            Cmd = ["/bin/sh"],
        },
        new CatalogImage { References = ["docker.io/library/alpine:3.20"], Size = 3_630_000, Cmd = ["/bin/sh"] },
        new CatalogImage
        {
            References = ["docker.io/library/nginx:latest", "docker.io/library/nginx:1.27", "docker.io/library/nginx:stable"],
            Size = 72_100_000,
            Env = [Path, "NGINX_VERSION=1.27.3", "NJS_VERSION=0.8.8", "PKG_RELEASE=1~bookworm"],
            Entrypoint = ["/docker-entrypoint.sh"],
            Cmd = ["nginx", "-g", "daemon off;"],
            ExposedPorts = ["80/tcp"],
            StopSignal = "SIGQUIT",
            Labels = new Dictionary<string, string> { ["maintainer"] = "NGINX Docker Maintainers <docker-maint@nginx.com>" },
        },
        new CatalogImage
        {
            References = ["docker.io/library/httpd:latest", "docker.io/library/httpd:2.4"],
            Size = 58_200_000,
            Env = ["PATH=/usr/local/apache2/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HTTPD_PREFIX=/usr/local/apache2", "HTTPD_VERSION=2.4.62"],
            Cmd = ["httpd-foreground"],
            WorkingDir = "/usr/local/apache2",
            ExposedPorts = ["80/tcp"],
            StopSignal = "SIGWINCH",
        },
        new CatalogImage { References = [E2e + "busybox:1.29-2"], Size = 732_000, Cmd = ["sh"] },
        new CatalogImage { References = [E2e + "busybox:1.36.1-1"], Size = 2_160_000, Cmd = ["sh"] },
        new CatalogImage
        {
            References = [E2e + "nginx:1.14-2"],
            Size = 6_950_000,
            Env = [Path, "NGINX_VERSION=1.14.2"],
            Cmd = ["nginx", "-g", "daemon off;"],
            ExposedPorts = ["80/tcp"],
            StopSignal = "SIGTERM",
        },
        new CatalogImage
        {
            References = [E2e + "httpd:2.4.39-4"],
            Size = 41_900_000,
            Env = ["PATH=/usr/local/apache2/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HTTPD_PREFIX=/usr/local/apache2"],
            Cmd = ["httpd-foreground"],
            WorkingDir = "/usr/local/apache2",
            ExposedPorts = ["80/tcp"],
        },
        new CatalogImage { References = [E2e + "agnhost:2.53"], Size = 52_700_000, Entrypoint = ["/agnhost"], Cmd = ["pause"] },
        new CatalogImage { References = [E2e + "nonewprivs:1.3"], Size = 4_100_000, User = "1000", Cmd = ["/usr/local/bin/nnp"] },
        CriTest("test-image-tag:test"),
        CriTest("test-image-tag:all"),
        CriTest("test-image-latest:latest"),
        CriTest("test-image-digest:latest") with
        {
            // critest pulls this one by a pinned digest; the catalog must know it for strict pulls.
            ManifestDigest = "sha256:9700f9a2f5bf2c45f2f605a0bd3bce7cf37420ec9d3ed50ac2758413308766bf",
        },
        CriTest("test-image-user-uid:latest") with { User = "1002" },
        CriTest("test-image-user-username:latest") with { User = "www-data" },
        CriTest("test-image-user-uid-group:latest") with { User = "1003:users" },
        CriTest("test-image-user-username-group:latest") with { User = "www-data:users" },
        CriTest("test-image-predefined-group:latest") with { User = "1000:50" },
        CriTest("test-image-1:latest"),
        CriTest("test-image-2:latest"),
        CriTest("test-image-3:latest"),
        new CatalogImage
        {
            References = [CriTools + "test-image-tags:1", CriTools + "test-image-tags:2", CriTools + "test-image-tags:3"],
            Size = 1_270_000,
            Cmd = ["sh"],
        },
    ];

    private static CatalogImage Pause(string reference) => new()
    {
        References = [reference],
        Size = 320_368,
        User = "65535:65535",
        Entrypoint = ["/pause"],
        Env = [Path],
    };

    private static CatalogImage CriTest(string nameAndTag) => new()
    {
        References = [CriTools + nameAndTag],
        Size = 1_270_000,
        Cmd = ["sh"],
    };
}
