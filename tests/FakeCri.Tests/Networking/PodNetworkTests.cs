using System.Net;
using System.Net.Sockets;
using FakeCri.Behaviors;
using FakeCri.Cri.V1;
using FakeCri.Runtime;
using FakeCri.Tests.Infrastructure;

namespace FakeCri.Tests.Networking;

/// <summary>
/// Emulated pod networking served for real on loopback: web servers answer on the pod IP and on mapped host ports
/// exactly while their container runs. Each test uses its own pod CIDR, so parallel fakes never share an address.
/// </summary>
public sealed class PodNetworkTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Nginx_Running_PodIpAndHostPortServeTheWelcomePageUntilStopped()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default with { PodNetwork = true, PodCidr = "127.90.1.0/24" }, Cancel);
        var hostPort = FreePort();
        var seed = SandboxSeed.For("web");
        seed.Config.PortMappings.Add(new PortMapping { Protocol = Protocol.Tcp, ContainerPort = 80, HostPort = hostPort, HostIp = "127.0.0.1" });
        var pod = cri.Runtime.SeedSandbox(seed);
        var nginx = ContainerSeed.For(pod, "nginx", "nginx");
        nginx.Config.Command.Clear();
        var id = cri.Runtime.SeedContainer(nginx);
        var ip = cri.Runtime.GetSandbox(pod)!.Ip;
        using var http = new HttpClient();

        var direct = await http.GetAsync($"http://{ip}/", Cancel);
        var mapped = await http.GetStringAsync($"http://127.0.0.1:{hostPort}/", Cancel);
        var missing = await http.GetAsync($"http://{ip}/nope", Cancel);
        await cri.RuntimeClient.StopContainerAsync(new StopContainerRequest { ContainerId = id, Timeout = 0 }, cancellationToken: Cancel);

        Assert.Equal("127.90.1.2", ip);
        Assert.Equal(HttpStatusCode.OK, direct.StatusCode);
        Assert.Equal("nginx", direct.Headers.Server.ToString());
        Assert.Contains("Welcome to nginx!", await direct.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.Contains("Welcome to nginx!", mapped, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync($"http://{ip}/", Cancel));
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync($"http://127.0.0.1:{hostPort}/", Cancel));
    }

    [Fact]
    public async Task Httpd_GracefulStop_ItWorksPageThenClosed()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default with { PodNetwork = true, PodCidr = "127.90.2.0/24" }, Cancel);
        var pod = cri.Runtime.SeedSandbox(SandboxSeed.For("apache"));
        var httpd = ContainerSeed.For(pod, "httpd", "httpd");
        httpd.Config.Command.Clear();
        var id = cri.Runtime.SeedContainer(httpd);
        var ip = cri.Runtime.GetSandbox(pod)!.Ip;
        using var http = new HttpClient();

        var page = await http.GetStringAsync($"http://{ip}/", Cancel);
        await cri.RuntimeClient.StopContainerAsync(new StopContainerRequest { ContainerId = id, Timeout = 30 }, cancellationToken: Cancel);

        Assert.Equal("<html><body><h1>It works!</h1></body></html>\n", page);
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync($"http://{ip}/", Cancel));
    }

    [Fact]
    public async Task PodNetworkOff_Default_NothingListens()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default with { PodCidr = "127.90.3.0/24" }, Cancel);
        var pod = cri.Runtime.SeedSandbox(SandboxSeed.For("quiet"));
        var nginx = ContainerSeed.For(pod, "nginx", "nginx");
        nginx.Config.Command.Clear();
        cri.Runtime.SeedContainer(nginx);
        using var http = new HttpClient();

        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync($"http://{cri.Runtime.GetSandbox(pod)!.Ip}/", Cancel));
    }

    [Fact]
    public async Task DeclaredHttp_HostNetworkPod_ListensOn127001WhileRunning()
    {
        var port = FreePort();
        await using var cri = await FakeCriServer.StartInProcessAsync(
            FakeCriOptions.Default.WithBehavior(ContainerBehavior.ForContainer("probe").ServesHttp(port, "ready\n")) with { PodNetwork = true, PodCidr = "127.90.10.0/24" },
            Cancel);
        await cri.PullAsync("busybox", Cancel);
        var pod = await cri.RunPodAsync(Kubelet.PodConfig("host").HostNetwork(), Cancel);
        var id = await cri.CreateAsync(pod, Kubelet.PodConfig("host").HostNetwork(), Kubelet.ContainerConfig("probe"), Cancel);
        using var http = new HttpClient();
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync($"http://127.0.0.1:{port}/", Cancel));   // created, not started

        await cri.RuntimeClient.StartContainerAsync(new StartContainerRequest { ContainerId = id }, cancellationToken: Cancel);
        var answer = await http.GetAsync($"http://127.0.0.1:{port}/healthz", Cancel);
        await cri.RuntimeClient.StopContainerAsync(new StopContainerRequest { ContainerId = id, Timeout = 0 }, cancellationToken: Cancel);

        Assert.Equal(string.Empty, cri.Runtime.GetSandbox(pod)!.Ip);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("ready\n", await answer.Content.ReadAsStringAsync(Cancel));
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync($"http://127.0.0.1:{port}/", Cancel));
    }

    [Fact]
    public async Task DeclaredHttp_AnnotationOnPod_PodIpPortAnswersOk()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default with { PodNetwork = true, PodCidr = "127.90.11.0/24" }, Cancel);
        var seed = SandboxSeed.For("api");
        seed.Config.Annotations["fakecri.io/http-port"] = "8080";
        var pod = cri.Runtime.SeedSandbox(seed);
        cri.Runtime.SeedContainer(ContainerSeed.For(pod, "app"));
        using var http = new HttpClient();

        var answer = await http.GetAsync($"http://{cri.Runtime.GetSandbox(pod)!.Ip}:8080/readyz", Cancel);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("ok\n", await answer.Content.ReadAsStringAsync(Cancel));
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
