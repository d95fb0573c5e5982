using System.Net;
using System.Text.Json;
using FakeCri.Cri.V1;
using FakeCri.Streaming.Internal.Spdy;
using FakeCri.Tests.Streaming.Spdy;
using static FakeCri.Tests.Streaming.StreamingPods;

namespace FakeCri.Tests.Streaming;

/// <summary>
/// Exec and attach over SPDY/3.1, the protocol kubelet, crictl and critest speak to a runtime's streaming server:
/// the upgrade handshake and protocol negotiation, one stream per channel, the error stream's status in each
/// protocol version's form, and the session's control frames.
/// </summary>
public sealed class SpdyRemoteCommandTests
{
    private static readonly string[] KubeletProtocols = ["v4.channel.k8s.io", "v3.channel.k8s.io", "v2.channel.k8s.io", "channel.k8s.io"];

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Exec_EchoOverV4_ExactlyHelloAndSuccess()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var url = await ExecUrlAsync(cri, new ExecRequest { ContainerId = RunningContainer(cri), Cmd = { "echo", "-n", "hello" }, Stdout = true, Stderr = true });
        await using var client = await SpdyTestClient.ConnectAsync(url, KubeletProtocols, Cancel);

        var error = await client.OpenAsync("error", Cancel);
        var stdout = await client.OpenAsync("stdout", Cancel);
        var stderr = await client.OpenAsync("stderr", Cancel);

        Assert.Equal("v4.channel.k8s.io", client.Protocol);
        Assert.Equal("hello", await stdout.ReadToEndAsync(Cancel));
        Assert.Equal(string.Empty, await stderr.ReadToEndAsync(Cancel));
        using var status = JsonDocument.Parse(await error.ReadToEndAsync(Cancel));
        Assert.Equal("Success", status.RootElement.GetProperty("status").GetString());
        var goAway = await client.GoneAway.WaitAsync(Cancel);
        Assert.Equal((5u, 0u), (goAway.LastGoodStreamId, goAway.Status));
    }

    [Fact]
    public async Task Exec_ExitSevenOverV4_ErrorStreamCarriesTheExitCode()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var url = await ExecUrlAsync(cri, new ExecRequest { ContainerId = RunningContainer(cri), Cmd = { "sh", "-c", "exit 7" }, Stdout = true });
        await using var client = await SpdyTestClient.ConnectAsync(url, KubeletProtocols, Cancel);

        var error = await client.OpenAsync("error", Cancel);
        var stdout = await client.OpenAsync("stdout", Cancel);

        Assert.Equal(string.Empty, await stdout.ReadToEndAsync(Cancel));
        using var status = JsonDocument.Parse(await error.ReadToEndAsync(Cancel));
        var root = status.RootElement;
        Assert.Equal(("Failure", "NonZeroExitCode"), (root.GetProperty("status").GetString(), root.GetProperty("reason").GetString()));
        var cause = root.GetProperty("details").GetProperty("causes")[0];
        Assert.Equal(("ExitCode", "7"), (cause.GetProperty("reason").GetString(), cause.GetProperty("message").GetString()));
        Assert.Equal("command terminated with non-zero exit code: error executing command [sh -c exit 7], exit code 7", root.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("v3.channel.k8s.io")]
    [InlineData("v2.channel.k8s.io")]
    [InlineData("channel.k8s.io")]
    public async Task Exec_ExitSevenBeforeV4_ErrorStreamCarriesTheMessageAsText(string protocol)
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var id = RunningContainer(cri);
        var failing = await ExecUrlAsync(cri, new ExecRequest { ContainerId = id, Cmd = { "sh", "-c", "exit 7" }, Stdout = true });
        var succeeding = await ExecUrlAsync(cri, new ExecRequest { ContainerId = id, Cmd = { "true" }, Stdout = true });

        await using var first = await SpdyTestClient.ConnectAsync(failing, [protocol], Cancel);
        var failed = await first.OpenAsync("error", Cancel);
        await first.OpenAsync("stdout", Cancel);
        await using var second = await SpdyTestClient.ConnectAsync(succeeding, [protocol], Cancel);
        var succeeded = await second.OpenAsync("error", Cancel);
        await second.OpenAsync("stdout", Cancel);

        Assert.Equal(protocol, first.Protocol);
        Assert.Equal("command terminated with non-zero exit code: error executing command [sh -c exit 7], exit code 7", await failed.ReadToEndAsync(Cancel));
        Assert.Equal(string.Empty, await succeeded.ReadToEndAsync(Cancel));
    }

    [Fact]
    public async Task Exec_InteractiveShellWithTty_EchoesRunsEchoHiAndEndsAtExit()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var url = await ExecUrlAsync(cri, new ExecRequest { ContainerId = RunningContainer(cri), Cmd = { "sh" }, Stdin = true, Stdout = true, Tty = true });
        await using var client = await SpdyTestClient.ConnectAsync(url, KubeletProtocols, Cancel);

        var error = await client.OpenAsync("error", Cancel);
        var stdin = await client.OpenAsync("stdin", Cancel);
        var stdout = await client.OpenAsync("stdout", Cancel);
        var resize = await client.OpenAsync("resize", Cancel);
        await resize.WriteAsync("""{"Width":120,"Height":40}""", Cancel);
        await stdin.WriteAsync("echo hi\r", Cancel);
        var seen = await stdout.ReadUntilAsync("hi\r\nhi\r\n", Cancel);
        await stdin.WriteAsync("exit\r", Cancel);

        Assert.Equal("echo hi\r\nhi\r\n", seen);
        Assert.Equal("exit\r\n", await stdout.ReadToEndAsync(Cancel));
        using var status = JsonDocument.Parse(await error.ReadToEndAsync(Cancel));
        Assert.Equal("Success", status.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Exec_CatWithMoreThanHalfAWindowOfStdin_CreditsItBackAndEchoesEveryByte()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var url = await ExecUrlAsync(cri, new ExecRequest { ContainerId = RunningContainer(cri), Cmd = { "cat" }, Stdin = true, Stdout = true });
        await using var client = await SpdyTestClient.ConnectAsync(url, KubeletProtocols, Cancel);
        var error = await client.OpenAsync("error", Cancel);
        var stdin = await client.OpenAsync("stdin", Cancel);
        var stdout = await client.OpenAsync("stdout", Cancel);
        var line = new string('x', 1023) + "\n";
        var sent = string.Concat(Enumerable.Repeat(line, 40));

        foreach (var chunk in sent.Chunk(4096))
        {
            await stdin.WriteAsync(new string(chunk), Cancel);
        }

        await stdin.CloseAsync(Cancel);
        var received = await stdout.ReadToEndAsync(Cancel);
        await error.ReadToEndAsync(Cancel);

        Assert.Equal(sent.Length, received.Length);
        Assert.Equal(sent, received);
        var updates = client.Frames.OfType<SpdyWindowUpdateFrame>().ToList();
        Assert.Contains(updates, u => u.StreamId == stdin.Id && u.DeltaWindowSize >= SpdySession.InitialWindow / 2);
        Assert.Contains(updates, u => u.StreamId == 0 && u.DeltaWindowSize >= SpdySession.InitialWindow / 2);
    }

    [Fact]
    public async Task Session_ClientPing_IsEchoedWithItsId()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var url = await ExecUrlAsync(cri, new ExecRequest { ContainerId = RunningContainer(cri), Cmd = { "sh" }, Stdin = true, Stdout = true });
        await using var client = await SpdyTestClient.ConnectAsync(url, KubeletProtocols, Cancel);

        await client.PingAsync(7, Cancel);

        Assert.Contains(client.Frames, f => f is SpdyPingFrame { Id: 7 });
    }

    [Fact]
    public async Task Handshake_ClientOrder_FirstServedProtocolWins()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var url = await ExecUrlAsync(cri, new ExecRequest { ContainerId = RunningContainer(cri), Cmd = { "true" }, Stdout = true });

        await using var client = await SpdyTestClient.ConnectAsync(url, ["v9.channel.k8s.io", "v3.channel.k8s.io", "v4.channel.k8s.io"], Cancel);

        Assert.Equal("v3.channel.k8s.io", client.Protocol);
    }

    [Fact]
    public async Task Handshake_NoSharedProtocol_403ListingTheServedOnes()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var url = await ExecUrlAsync(cri, new ExecRequest { ContainerId = RunningContainer(cri), Cmd = { "true" }, Stdout = true });
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, url);
        request.Headers.Add("X-Stream-Protocol-Version", "v9.channel.k8s.io");

        using var response = await http.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(KubeletProtocols, response.Headers.GetValues("X-Accepted-Stream-Protocol-Versions"));
        Assert.Contains("unable to negotiate protocol: client supports [v9.channel.k8s.io]", await response.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Handshake_ProtocolButNoUpgradeHeaders_400NamingThem()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var id = RunningContainer(cri);
        var withProtocol = await ExecUrlAsync(cri, new ExecRequest { ContainerId = id, Cmd = { "touch", "/ran" }, Stdout = true });
        var withNothing = await ExecUrlAsync(cri, new ExecRequest { ContainerId = id, Cmd = { "touch", "/ran" }, Stdout = true });
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, withProtocol);
        request.Headers.Add("X-Stream-Protocol-Version", "v4.channel.k8s.io");

        using var noUpgrade = await http.SendAsync(request, Cancel);
        using var noProtocol = await http.PostAsync(withNothing, null, Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, noUpgrade.StatusCode);
        Assert.Contains("missing upgrade headers", await noUpgrade.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, noProtocol.StatusCode);
        Assert.Contains("X-Stream-Protocol-Version is required", await noProtocol.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        var check = await cri.RuntimeClient.ExecSyncAsync(new ExecSyncRequest { ContainerId = id, Cmd = { "ls", "/ran" } }, cancellationToken: Cancel);
        Assert.NotEqual(0, check.ExitCode);
    }

    [Fact]
    public async Task Token_UsedOverSpdy_SecondUpgradeIs404()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var url = await ExecUrlAsync(cri, new ExecRequest { ContainerId = RunningContainer(cri), Cmd = { "echo", "once" }, Stdout = true });
        await using (var first = await SpdyTestClient.ConnectAsync(url, KubeletProtocols, Cancel))
        {
            await first.OpenAsync("error", Cancel);
            Assert.Equal("once\n", await (await first.OpenAsync("stdout", Cancel)).ReadToEndAsync(Cancel));
        }

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => SpdyTestClient.ConnectAsync(url, KubeletProtocols, Cancel));

        Assert.StartsWith("upgrade refused: HTTP/1.1 404", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exec_ContainerStoppedBeforeTheStream_InternalErrorStatus()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var id = RunningContainer(cri);
        var url = await ExecUrlAsync(cri, new ExecRequest { ContainerId = id, Cmd = { "true" }, Stdout = true });
        await cri.RuntimeClient.StopContainerAsync(new StopContainerRequest { ContainerId = id }, cancellationToken: Cancel);
        await using var client = await SpdyTestClient.ConnectAsync(url, KubeletProtocols, Cancel);

        var error = await client.OpenAsync("error", Cancel);
        await client.OpenAsync("stdout", Cancel);

        using var status = JsonDocument.Parse(await error.ReadToEndAsync(Cancel));
        Assert.Equal("InternalError", status.RootElement.GetProperty("reason").GetString());
        Assert.Equal(500, status.RootElement.GetProperty("code").GetInt32());
        Assert.Contains("error executing command in container: container is in CONTAINER_EXITED state", status.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Attach_ShellWithStdinOnce_RunsEchoAndEndsWhenStdinCloses()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var id = ShellWithStdinOnce(cri);
        var url = (await cri.RuntimeClient.AttachAsync(new AttachRequest { ContainerId = id, Stdin = true, Stdout = true }, cancellationToken: Cancel)).Url;
        await using var client = await SpdyTestClient.ConnectAsync(url, KubeletProtocols, Cancel);

        var error = await client.OpenAsync("error", Cancel);
        var stdin = await client.OpenAsync("stdin", Cancel);
        var stdout = await client.OpenAsync("stdout", Cancel);
        await stdin.WriteAsync("echo -n hello\n", Cancel);
        await stdin.CloseAsync(Cancel);

        Assert.Matches("/attach/[A-Za-z0-9_-]{8}$", url);
        Assert.Equal("hello", await stdout.ReadToEndAsync(Cancel));
        using var status = JsonDocument.Parse(await error.ReadToEndAsync(Cancel));
        Assert.Equal("Success", status.RootElement.GetProperty("status").GetString());
        Assert.Equal((ContainerState.ContainerExited, 0), (cri.Runtime.GetContainer(id)!.State, cri.Runtime.GetContainer(id)!.ExitCode));
    }
}
