using System.Net;
using System.Net.WebSockets;
using System.Text;
using FakeCri.Cri.V1;
using FakeCri.Runtime;
using FakeCri.Tests.Infrastructure;
using Grpc.Core;
using k8s;
using k8s.Models;
using static FakeCri.Tests.Streaming.StreamingPods;

namespace FakeCri.Tests.Streaming;

/// <summary>
/// Exec over the streaming server's WebSocket protocol, with KubernetesClient's demultiplexer as the independent
/// client-side implementation of the channel framing and the Status it ends with.
/// </summary>
public sealed class WebSocketExecTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Exec_EchoOverV4_ExactlyHelloAndSuccess()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var id = RunningContainer(cri);
        var url = await ExecUrlAsync(cri, new ExecRequest { ContainerId = id, Cmd = { "echo", "-n", "hello" }, Stdout = true, Stderr = true });

        var (stdout, _, status) = await RunAsync(url, "v4.channel.k8s.io", stdin: null);

        Assert.StartsWith("http://127.0.0.1:", url, StringComparison.Ordinal);
        Assert.Matches("/exec/[A-Za-z0-9_-]{8}$", url);
        Assert.Equal("hello", stdout);
        Assert.Equal(("Success", 0), (status.Status, Kubernetes.GetExitCodeOrThrow(status)));
    }

    [Fact]
    public async Task Exec_ExitSeven_ErrorChannelCarriesTheExitCode()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var id = RunningContainer(cri);
        var url = await ExecUrlAsync(cri, new ExecRequest { ContainerId = id, Cmd = { "sh", "-c", "echo oops >&2; exit 7" }, Stdout = true, Stderr = true });

        var (_, stderr, status) = await RunAsync(url, "v4.channel.k8s.io", stdin: null);

        Assert.Equal("oops\n", stderr);
        Assert.Equal(("Failure", "NonZeroExitCode"), (status.Status, status.Reason));
        Assert.Equal(7, Kubernetes.GetExitCodeOrThrow(status));
    }

    [Fact]
    public async Task Exec_InteractiveShellWithTtyOverV5_EchoesAndRunsUntilStdinCloses()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var id = RunningContainer(cri);
        var url = await ExecUrlAsync(cri, new ExecRequest { ContainerId = id, Cmd = { "sh" }, Stdin = true, Stdout = true, Tty = true });

        var (stdout, _, status) = await RunAsync(url, "v5.channel.k8s.io", stdin: "echo hi\r");

        Assert.Equal("echo hi\r\nhi\r\n", stdout);
        Assert.Equal("Success", status.Status);
    }

    [Fact]
    public async Task Exec_CatWithStdinOverBase64Protocol_ReturnsWhatWasSent()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var id = RunningContainer(cri);
        var url = await ExecUrlAsync(cri, new ExecRequest { ContainerId = id, Cmd = { "cat" }, Stdin = true, Stdout = true });
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("v4.base64.channel.k8s.io");
        await socket.ConnectAsync(WebSocketUri(url), Cancel);

        await socket.SendAsync(Encoding.ASCII.GetBytes("0" + Convert.ToBase64String(Encoding.UTF8.GetBytes("line one\n"))), WebSocketMessageType.Text, true, Cancel);
        var frames = new List<string>();
        while (!frames.Any(f => f.StartsWith('1') && f.Length > 1))
        {
            frames.Add(await ReceiveTextAsync(socket));
        }

        Assert.Equal("v4.base64.channel.k8s.io", socket.SubProtocol);
        Assert.Equal("1", frames[0]);
        Assert.Equal("line one\n", Encoding.UTF8.GetString(Convert.FromBase64String(frames[^1][1..])));
    }

    [Fact]
    public async Task Token_UsedOnce_SecondRequestIs404AndNothingRuns()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var id = RunningContainer(cri);
        var url = await ExecUrlAsync(cri, new ExecRequest { ContainerId = id, Cmd = { "touch", "/ran" }, Stdout = true });
        using var http = new HttpClient();

        var first = await http.GetAsync(url, Cancel);
        var second = await http.GetAsync(url, Cancel);
        var wrong = await http.GetAsync(url[..^8] + "AAAAAAAA", Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, first.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, second.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, wrong.StatusCode);
        var check = await cri.RuntimeClient.ExecSyncAsync(new ExecSyncRequest { ContainerId = id, Cmd = { "ls", "/ran" } }, cancellationToken: Cancel);
        Assert.NotEqual(0, check.ExitCode);
    }

    [Fact]
    public async Task Exec_BadRequests_ContainerdCodesAndTexts()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var id = RunningContainer(cri);
        var exited = cri.Runtime.SeedContainer(ContainerSeed.For(cri.Runtime.GetContainer(id)!.PodSandboxId, "done").Exited(0));

        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, cri.RuntimeClient.ExecAsync(new ExecRequest { ContainerId = id, Cmd = { "sh" }, Tty = true, Stderr = true }, cancellationToken: Cancel), "tty and stderr cannot both be true");
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, cri.RuntimeClient.ExecAsync(new ExecRequest { ContainerId = id, Cmd = { "sh" } }, cancellationToken: Cancel), "one of stdin, stdout, or stderr must be set");
        await RpcAssert.FailsAsync(StatusCode.Unknown, cri.RuntimeClient.ExecAsync(new ExecRequest { ContainerId = exited, Cmd = { "sh" }, Stdout = true }, cancellationToken: Cancel), "container is in CONTAINER_EXITED state");
        await RpcAssert.FailsAsync(StatusCode.NotFound, cri.RuntimeClient.ExecAsync(new ExecRequest { ContainerId = "feed", Cmd = { "sh" }, Stdout = true }, cancellationToken: Cancel));
    }

    [Fact]
    public async Task Attach_ShellWithStdinOnce_RunsWhatIsSentAndEndsWhenStdinCloses()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var id = ShellWithStdinOnce(cri);
        var url = (await cri.RuntimeClient.AttachAsync(new AttachRequest { ContainerId = id, Stdin = true, Stdout = true }, cancellationToken: Cancel)).Url;

        var (stdout, _, status) = await RunAsync(url, "v5.channel.k8s.io", stdin: "echo -n hello\n");

        Assert.Matches("/attach/[A-Za-z0-9_-]{8}$", url);
        Assert.Equal("hello", stdout);
        Assert.Equal("Success", status.Status);
        Assert.Equal((ContainerState.ContainerExited, 0), (cri.Runtime.GetContainer(id)!.State, cri.Runtime.GetContainer(id)!.ExitCode));
    }

    [Fact]
    public async Task Attach_WithoutStdinOnce_ClientEofDetachesAndContainerRunsOn()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var pod = cri.Runtime.SeedSandbox(SandboxSeed.For("p"));
        var seed = ContainerSeed.For(pod, "shell", "busybox", 0, "sh");
        seed.Config.Stdin = true;
        var id = cri.Runtime.SeedContainer(seed);
        var url = (await cri.RuntimeClient.AttachAsync(new AttachRequest { ContainerId = id, Stdin = true, Stdout = true }, cancellationToken: Cancel)).Url;

        var (stdout, _, status) = await RunAsync(url, "v5.channel.k8s.io", stdin: "echo one\n");

        Assert.Equal("Success", status.Status);
        Assert.Equal(ContainerState.ContainerRunning, cri.Runtime.GetContainer(id)!.State);
        Assert.True(stdout is "" or "one\n", stdout);
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, cri.RuntimeClient.AttachAsync(new AttachRequest { ContainerId = id }, cancellationToken: Cancel), "one of stdin, stdout, and stderr must be set");
    }


    private static Uri WebSocketUri(string url) => new("ws" + url["http".Length..]);

    /// <summary>Runs one exec session through KubernetesClient's demultiplexer: stdout, stderr and the final Status.</summary>
    private static async Task<(string Stdout, string Stderr, V1Status Status)> RunAsync(string url, string protocol, string? stdin)
    {
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(protocol);
        await socket.ConnectAsync(WebSocketUri(url), Cancel);
        using var demuxer = new StreamDemuxer(socket, StreamType.RemoteCommand, ownsSocket: false, supportsClose: protocol.StartsWith("v5", StringComparison.Ordinal));
        var stdoutStream = demuxer.GetStream(ChannelIndex.StdOut, null);
        var stderrStream = demuxer.GetStream(ChannelIndex.StdErr, null);
        var errorStream = demuxer.GetStream(ChannelIndex.Error, null);
        demuxer.Start();   // after GetStream: frames for a channel nobody asked for yet are dropped
        var stdout = ReadAllAsync(stdoutStream);
        var stderr = ReadAllAsync(stderrStream);
        var error = ReadAllAsync(errorStream);
        if (stdin is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(stdin);
            await demuxer.Write(ChannelIndex.StdIn, bytes, 0, bytes.Length, Cancel);
            await demuxer.CloseChannel(ChannelIndex.StdIn, Cancel);
        }

        var status = KubernetesJson.Deserialize<V1Status>(await error);
        return (await stdout, await stderr, status);
    }

    private static async Task<string> ReadAllAsync(Stream stream)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync(Cancel);
    }

    private static async Task<string> ReceiveTextAsync(ClientWebSocket socket)
    {
        var buffer = new byte[4096];
        var result = await socket.ReceiveAsync(buffer, Cancel);
        return Encoding.ASCII.GetString(buffer, 0, result.Count);
    }
}
