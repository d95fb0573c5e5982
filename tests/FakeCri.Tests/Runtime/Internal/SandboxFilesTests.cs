using FakeCri.Cri.V1;
using FakeCri.Processes;
using FakeCri.Processes.Internal;
using FakeCri.Runtime;
using FakeCri.Runtime.Internal;
using FakeCri.Tests.Infrastructure;

namespace FakeCri.Tests.Runtime.Internal;

/// <summary>
/// The files a sandbox's containers share: one layer while their files would read the same, and each container
/// still alone with its changes.
/// </summary>
public sealed class SandboxFilesTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public void Layer_SameImageFilesAndMountPoints_TheSameLayer()
    {
        var files = new SandboxFiles();
        var image = ImageLayer();

        var first = files.Layer(image, "pod\n", "hosts\n", "resolv\n", ["/var/run/secrets/token"]);
        var second = files.Layer(image, "pod\n", "hosts\n", "resolv\n", ["/var/run/secrets/token"]);

        Assert.Same(first, second);
        Assert.Equal("pod\n", first.Nodes["/etc/hostname"]);
        Assert.Equal("hosts\n", first.Nodes["/etc/hosts"]);
        Assert.Equal("resolv\n", first.Nodes["/etc/resolv.conf"]);
        Assert.Null(first.Nodes["/var/run/secrets"]);
        Assert.False(first.Nodes.ContainsKey("/var/run/secrets/token")); // the mount point itself is the mount's
    }

    [Fact]
    public void Layer_AnyPartDifferent_AnotherLayer()
    {
        var files = new SandboxFiles();
        var image = ImageLayer();
        var first = files.Layer(image, "pod\n", "hosts\n", "resolv\n", []);

        Assert.NotSame(first, files.Layer(image, "other\n", "hosts\n", "resolv\n", []));
        Assert.NotSame(first, files.Layer(image, "pod\n", "other\n", "resolv\n", []));
        Assert.NotSame(first, files.Layer(image, "pod\n", "hosts\n", "other\n", []));
        Assert.NotSame(first, files.Layer(image, "pod\n", "hosts\n", "resolv\n", ["/data"]));
        Assert.NotSame(first, files.Layer(ImageLayer(), "pod\n", "hosts\n", "resolv\n", []));
        Assert.False(files.Layer(image, "pod\n", "hosts\n", "resolv\n", []).Nodes.ContainsKey("/data"));
    }

    [Fact]
    public void Layer_MountPointUnderAFile_TheFileStaysAFile()
    {
        var layer = new SandboxFiles().Layer(ImageLayer(), "pod\n", "hosts\n", "resolv\n", ["/etc/hosts/inner/x"]);

        Assert.Equal("hosts\n", layer.Nodes["/etc/hosts"]);
        Assert.Null(layer.Nodes["/etc/hosts/inner"]);
    }

    [Fact]
    public async Task ExecSync_ChangesInOneContainer_ItsSiblingStillSeesTheSandboxFiles()
    {
        var runtime = new EmulatedRuntime(FakeCriOptions.Default);
        runtime.PullImage(new PullImageRequest { Image = new ImageSpec { Image = "busybox" } });
        var podConfig = Kubelet.PodConfig("files");
        var pod = runtime.RunPodSandbox(new RunPodSandboxRequest { Config = podConfig }).PodSandboxId;
        var one = Run(runtime, pod, podConfig, "one");
        var two = Run(runtime, pod, podConfig, "two");

        var changed = await ExecAsync(runtime, one, "sh", "-c", "echo changed > /etc/hostname; echo new > /tmp/new; rm -r /home /etc/passwd; mkdir /home");

        Assert.Equal((0, string.Empty), changed);
        Assert.Equal((0, "changed\n"), await ExecAsync(runtime, one, "cat", "/etc/hostname"));
        Assert.Equal((0, string.Empty), await ExecAsync(runtime, one, "ls", "/home"));
        Assert.Equal(1, (await ExecAsync(runtime, one, "cat", "/etc/passwd")).ExitCode);
        Assert.Equal((0, "files\n"), await ExecAsync(runtime, two, "cat", "/etc/hostname"));
        Assert.Equal(1, (await ExecAsync(runtime, two, "cat", "/tmp/new")).ExitCode);
        Assert.StartsWith("root:x:0:0:", (await ExecAsync(runtime, two, "cat", "/etc/passwd")).Stdout, StringComparison.Ordinal);
        var third = Run(runtime, pod, podConfig, "three");
        Assert.Equal((0, "files\n"), await ExecAsync(runtime, third, "cat", "/etc/hostname"));
    }

    private static SharedFileLayer ImageLayer()
    {
        var fs = new EmulatedFileSystem();
        fs.CreateDirectory("/etc", parents: false);
        fs.CreateDirectory("/var/run", parents: true);
        fs.WriteAllText("/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n", append: false);
        return fs.Freeze();
    }

    private static string Run(EmulatedRuntime runtime, string pod, PodSandboxConfig podConfig, string name)
    {
        var config = Kubelet.ContainerConfig(name);
        config.Mounts.Clear(); // nothing of these files on the host
        var id = runtime.CreateContainer(new CreateContainerRequest { PodSandboxId = pod, Config = config, SandboxConfig = podConfig }).ContainerId;
        runtime.StartContainer(new StartContainerRequest { ContainerId = id });
        return id;
    }

    private static async Task<(int ExitCode, string Stdout)> ExecAsync(EmulatedRuntime runtime, string id, params string[] command)
    {
        var response = await runtime.ExecSyncAsync(new ExecSyncRequest { ContainerId = id, Cmd = { command } }, Cancel);
        return (response.ExitCode, response.Stdout.ToStringUtf8());
    }
}
