using System.Globalization;
using FakeCri.Cri.V1;
using FakeCri.Runtime;
using FakeCri.Streaming.Internal.Spdy;
using FakeCri.Tests.Streaming.Spdy;
using static FakeCri.Tests.Streaming.StreamingPods;

namespace FakeCri.Tests.Streaming;

/// <summary>
/// Port forwarding over SPDY/3.1 (<c>portforward.k8s.io</c>): error and data stream pairs by request id, each
/// dialing the pod's port, as kubectl port-forward and crictl port-forward use it.
/// </summary>
public sealed class SpdyPortForwardTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PortForward_NginxPort80_FetchesTheWelcomePage()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default with { PodNetwork = true, PodCidr = "127.90.5.0/24" }, Cancel);
        var pod = NginxPod(cri);
        var url = (await cri.RuntimeClient.PortForwardAsync(new PortForwardRequest { PodSandboxId = pod }, cancellationToken: Cancel)).Url;
        await using var client = await SpdyTestClient.ConnectAsync(url, ["portforward.k8s.io"], Cancel);

        var (error, data) = await OpenPairAsync(client, port: 80, requestId: 0);
        await data.WriteAsync("GET / HTTP/1.1\r\nHost: web\r\nConnection: close\r\n\r\n", Cancel);
        await data.CloseAsync(Cancel);
        var response = await data.ReadToEndAsync(Cancel);

        Assert.Equal("portforward.k8s.io", client.Protocol);
        Assert.StartsWith("HTTP/1.1 200 OK", response, StringComparison.Ordinal);
        Assert.Contains("Welcome to nginx!", response, StringComparison.Ordinal);
        Assert.Equal(string.Empty, await error.ReadToEndAsync(Cancel));
    }

    [Fact]
    public async Task PortForward_TwoRequestsOnOneSession_EachGetsItsOwnConnection()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default with { PodNetwork = true, PodCidr = "127.90.6.0/24" }, Cancel);
        var pod = NginxPod(cri);
        var url = (await cri.RuntimeClient.PortForwardAsync(new PortForwardRequest { PodSandboxId = pod }, cancellationToken: Cancel)).Url;
        await using var client = await SpdyTestClient.ConnectAsync(url, ["portforward.k8s.io"], Cancel);

        var (_, first) = await OpenPairAsync(client, port: 80, requestId: 1);
        var (_, second) = await OpenPairAsync(client, port: 80, requestId: 2);
        foreach (var data in new[] { first, second })
        {
            await data.WriteAsync("GET / HTTP/1.1\r\nHost: web\r\nConnection: close\r\n\r\n", Cancel);
            await data.CloseAsync(Cancel);
        }

        Assert.Contains("Welcome to nginx!", await first.ReadToEndAsync(Cancel), StringComparison.Ordinal);
        Assert.Contains("Welcome to nginx!", await second.ReadToEndAsync(Cancel), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PortForward_NothingListening_ErrorStreamSaysConnectionRefused()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default with { PodNetwork = true, PodCidr = "127.90.7.0/24" }, Cancel);
        var pod = cri.Runtime.SeedSandbox(SandboxSeed.For("quiet"));
        var url = (await cri.RuntimeClient.PortForwardAsync(new PortForwardRequest { PodSandboxId = pod }, cancellationToken: Cancel)).Url;
        await using var client = await SpdyTestClient.ConnectAsync(url, ["portforward.k8s.io"], Cancel);

        var (error, data) = await OpenPairAsync(client, port: 8080, requestId: 0);

        var message = await error.ReadToEndAsync(Cancel);
        Assert.StartsWith($"error forwarding port 8080 to pod {pod}, uid : failed to connect to localhost:8080 inside namespace", message, StringComparison.Ordinal);
        Assert.EndsWith("connect: connection refused", message, StringComparison.Ordinal);
        Assert.Equal(string.Empty, await data.ReadToEndAsync(Cancel));
    }

    [Theory]
    [InlineData("0", "data")]
    [InlineData("http", "data")]
    [InlineData("80", "stdout")]
    public async Task PortForward_InvalidStreamHeaders_StreamIsReset(string port, string streamType)
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var pod = cri.Runtime.SeedSandbox(SandboxSeed.For("p"));
        var url = (await cri.RuntimeClient.PortForwardAsync(new PortForwardRequest { PodSandboxId = pod }, cancellationToken: Cancel)).Url;
        await using var client = await SpdyTestClient.ConnectAsync(url, ["portforward.k8s.io"], Cancel);

        var stream = await client.OpenAsync([new("streamtype", streamType), new("port", port), new("requestid", "0")], Cancel);

        Assert.Equal(SpdyRstStatus.Cancel, stream.ResetStatus);
    }


    private static async Task<(SpdyTestClient.ClientStream Error, SpdyTestClient.ClientStream Data)> OpenPairAsync(SpdyTestClient client, int port, int requestId)
    {
        // kubectl's order: the error stream first (it never writes to it), then the data stream.
        var portText = port.ToString(CultureInfo.InvariantCulture);
        var id = requestId.ToString(CultureInfo.InvariantCulture);
        var error = await client.OpenAsync([new("streamtype", "error"), new("port", portText), new("requestid", id)], Cancel);
        await error.CloseAsync(Cancel);
        var data = await client.OpenAsync([new("streamtype", "data"), new("port", portText), new("requestid", id)], Cancel);
        return (error, data);
    }
}
