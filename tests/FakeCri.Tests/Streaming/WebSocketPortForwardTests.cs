using System.Net.WebSockets;
using System.Text;
using FakeCri.Cri.V1;
using FakeCri.Runtime;
using FakeCri.Tests.Infrastructure;
using Grpc.Core;
using k8s;
using static FakeCri.Tests.Streaming.StreamingPods;

namespace FakeCri.Tests.Streaming;

/// <summary>PortForward over WebSocket to what a pod serves, with KubernetesClient's port-forward demultiplexer.</summary>
public sealed class WebSocketPortForwardTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PortForward_NginxPort80_FetchesTheWelcomePage()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default with { PodNetwork = true, PodCidr = "127.90.4.0/24" }, Cancel);
        var pod = NginxPod(cri);
        var url = (await cri.RuntimeClient.PortForwardAsync(new PortForwardRequest { PodSandboxId = pod, Port = { 80 } }, cancellationToken: Cancel)).Url;

        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("v4.channel.k8s.io");
        await socket.ConnectAsync(new Uri("ws" + url["http".Length..]), Cancel);
        using var demuxer = new StreamDemuxer(socket, StreamType.PortForward);
        using var data = demuxer.GetStream((byte?)0, (byte?)0);
        demuxer.Start();
        var request = Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: web\r\nConnection: close\r\n\r\n");
        await data.WriteAsync(request, Cancel);
        var response = new StringBuilder();
        var buffer = new byte[4096];
        while (!response.ToString().Contains("</html>", StringComparison.Ordinal))
        {
            var read = await data.ReadAsync(buffer, Cancel);
            Assert.NotEqual(0, read);
            response.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        Assert.Matches("/portforward/[A-Za-z0-9_-]{8}$", url);
        Assert.StartsWith("HTTP/1.1 200 OK", response.ToString(), StringComparison.Ordinal);
        Assert.Contains("Welcome to nginx!", response.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PortForward_NothingListening_ErrorChannelSaysConnectionRefused()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default with { PodCidr = "127.90.5.0/24" }, Cancel);
        var pod = cri.Runtime.SeedSandbox(SandboxSeed.For("empty"));
        var url = (await cri.RuntimeClient.PortForwardAsync(new PortForwardRequest { PodSandboxId = pod, Port = { 8080 } }, cancellationToken: Cancel)).Url;

        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("v4.channel.k8s.io");
        await socket.ConnectAsync(new Uri("ws" + url["http".Length..]), Cancel);
        using var demuxer = new StreamDemuxer(socket, StreamType.PortForward);
        using var errors = demuxer.GetStream((byte?)1, (byte?)null);
        demuxer.Start();
        var buffer = new byte[4096];
        var read = await errors.ReadAsync(buffer, Cancel);

        Assert.StartsWith($"error forwarding port 8080 to pod {pod}, uid : ", Encoding.UTF8.GetString(buffer, 0, read), StringComparison.Ordinal);
        Assert.Contains("connection refused", Encoding.UTF8.GetString(buffer, 0, read), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PortForward_StoppedSandbox_UnknownLikeContainerd()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var pod = cri.Runtime.SeedSandbox(SandboxSeed.For("gone").NotReady());

        await RpcAssert.FailsAsync(StatusCode.Unknown, cri.RuntimeClient.PortForwardAsync(new PortForwardRequest { PodSandboxId = pod, Port = { 80 } }, cancellationToken: Cancel), "sandbox container is not running");
    }
}
