using FakeCri.Cri.V1;
using FakeCri.Runtime;

namespace FakeCri.Tests.Streaming;

/// <summary>The pods and containers the streaming tests talk to, seeded straight into the runtime.</summary>
internal static class StreamingPods
{
    /// <summary>A running busybox container in a ready pod.</summary>
    public static string RunningContainer(FakeCriServer cri) =>
        cri.Runtime.SeedContainer(ContainerSeed.For(cri.Runtime.SeedSandbox(SandboxSeed.For("p")), "app"));

    /// <summary>A running <c>/bin/sh</c> container created with stdin and stdin_once: its stdin EOF ends it.</summary>
    public static string ShellWithStdinOnce(FakeCriServer cri)
    {
        var seed = ContainerSeed.For(cri.Runtime.SeedSandbox(SandboxSeed.For("p")), "shell", "busybox", 0, "/bin/sh");
        seed.Config.Stdin = true;
        seed.Config.StdinOnce = true;
        return cri.Runtime.SeedContainer(seed);
    }

    /// <summary>A ready pod running nginx with its image's own command (it serves port 80 with pod networking on).</summary>
    public static string NginxPod(FakeCriServer cri)
    {
        var pod = cri.Runtime.SeedSandbox(SandboxSeed.For("web"));
        var nginx = ContainerSeed.For(pod, "nginx", "nginx");
        nginx.Config.Command.Clear();
        cri.Runtime.SeedContainer(nginx);
        return pod;
    }

    public static async Task<string> ExecUrlAsync(FakeCriServer cri, ExecRequest request) =>
        (await cri.RuntimeClient.ExecAsync(request, cancellationToken: TestContext.Current.CancellationToken)).Url;
}
