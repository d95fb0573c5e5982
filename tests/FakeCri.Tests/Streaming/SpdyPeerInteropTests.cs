using System.Text.Json;
using FakeCri.Cri.V1;
using FakeCri.Runtime;
using FakeCri.Tests.Streaming.Spdy;
using static FakeCri.Tests.Streaming.StreamingPods;

namespace FakeCri.Tests.Streaming;

/// <summary>
/// The streaming server against an independent SPDY implementation: <c>spdypeer</c>, a Go client on moby/spdystream
/// (the library kubelet, client-go and crictl use) behaving as kubectl exec/attach/port-forward do — stream order,
/// waits for each reply, half-close of stdin, and client-go's teardown (RST_STREAM on open streams, then GOAWAY).
/// </summary>
public sealed class SpdyPeerInteropTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Exec_EchoHello_ExactlyHelloAndSuccess()
    {
        SpdyPeer.RequireBuilt();
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var url = await ExecUrlAsync(cri, new ExecRequest { ContainerId = RunningContainer(cri), Cmd = { "echo", "-n", "hello" }, Stdout = true, Stderr = true });

        var report = await SpdyPeer.RunAsync(["exec", "--url", url, "--stdout", "--stderr"], Cancel);

        Assert.Equal((101, "v4.channel.k8s.io"), (report.GetProperty("status").GetInt32(), report.GetProperty("protocol").GetString()));
        Assert.Equal(("hello", ""), (report.GetProperty("stdout").GetString(), report.GetProperty("stderr").GetString()));
        Assert.Equal("Success", Status(report).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Exec_ExitSeven_ErrorStreamCarriesTheExitCode()
    {
        SpdyPeer.RequireBuilt();
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var url = await ExecUrlAsync(cri, new ExecRequest { ContainerId = RunningContainer(cri), Cmd = { "sh", "-c", "exit 7" }, Stdout = true });

        var report = await SpdyPeer.RunAsync(["exec", "--url", url, "--stdout"], Cancel);

        var status = Status(report);
        Assert.Equal("NonZeroExitCode", status.GetProperty("reason").GetString());
        Assert.Equal("7", status.GetProperty("details").GetProperty("causes")[0].GetProperty("message").GetString());
    }

    [Fact]
    public async Task Exec_CatWithStdin_ReturnsItAfterTheHalfClose()
    {
        SpdyPeer.RequireBuilt();
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var url = await ExecUrlAsync(cri, new ExecRequest { ContainerId = RunningContainer(cri), Cmd = { "cat" }, Stdin = true, Stdout = true });
        var sent = string.Concat(Enumerable.Repeat("0123456789abcdef\n", 6000));   // ~100 KiB: past any 64 KiB window

        var report = await SpdyPeer.RunAsync(["exec", "--url", url, "--stdin", sent, "--stdout"], Cancel);

        Assert.Equal(sent, report.GetProperty("stdout").GetString());
        Assert.Equal("Success", Status(report).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Exec_InteractiveShellWithTty_EchoesAndRunsEchoHi()
    {
        SpdyPeer.RequireBuilt();
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var url = await ExecUrlAsync(cri, new ExecRequest { ContainerId = RunningContainer(cri), Cmd = { "sh" }, Stdin = true, Stdout = true, Tty = true });

        var report = await SpdyPeer.RunAsync(["exec", "--url", url, "--stdin", "echo hi\rexit\r", "--stdout", "--tty", "--ping"], Cancel);

        // Both lines arrive at once, so the terminal echoes the typed-ahead "exit" before the shell answers, as a tty does.
        Assert.Equal("echo hi\r\nexit\r\nhi\r\n", report.GetProperty("stdout").GetString());
        Assert.Equal("Success", Status(report).GetProperty("status").GetString());
        Assert.True(report.TryGetProperty("pingMs", out _), report.ToString());
    }

    [Fact]
    public async Task Exec_OlderProtocols_NegotiatedInClientOrder()
    {
        SpdyPeer.RequireBuilt();
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var url = await ExecUrlAsync(cri, new ExecRequest { ContainerId = RunningContainer(cri), Cmd = { "sh", "-c", "exit 3" }, Stdout = true });

        var report = await SpdyPeer.RunAsync(["exec", "--url", url, "--stdout", "--protocols", "v2.channel.k8s.io,v4.channel.k8s.io"], Cancel);

        Assert.Equal("v2.channel.k8s.io", report.GetProperty("protocol").GetString());
        Assert.Equal("command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3", report.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Exec_UnknownProtocol_403WithTheAcceptedOnes()
    {
        SpdyPeer.RequireBuilt();
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var url = await ExecUrlAsync(cri, new ExecRequest { ContainerId = RunningContainer(cri), Cmd = { "true" }, Stdout = true });

        var report = await SpdyPeer.RunAsync(["exec", "--url", url, "--stdout", "--protocols", "v9.channel.k8s.io"], Cancel);

        Assert.Equal(403, report.GetProperty("status").GetInt32());
        Assert.Equal(
            ["v4.channel.k8s.io", "v3.channel.k8s.io", "v2.channel.k8s.io", "channel.k8s.io"],
            report.GetProperty("accepted").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Attach_ShellWithStdinOnce_RunsEchoAndEndsWhenStdinCloses()
    {
        SpdyPeer.RequireBuilt();
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        var id = ShellWithStdinOnce(cri);
        var url = (await cri.RuntimeClient.AttachAsync(new AttachRequest { ContainerId = id, Stdin = true, Stdout = true }, cancellationToken: Cancel)).Url;

        var report = await SpdyPeer.RunAsync(["attach", "--url", url, "--stdin", "echo -n hello\n", "--stdout"], Cancel);

        Assert.Equal("hello", report.GetProperty("stdout").GetString());
        Assert.Equal("Success", Status(report).GetProperty("status").GetString());
        Assert.Equal(ContainerState.ContainerExited, cri.Runtime.GetContainer(id)!.State);
    }

    [Fact]
    public async Task PortForward_Nginx_FetchesTheWelcomePage()
    {
        SpdyPeer.RequireBuilt();
        await using var cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default with { PodNetwork = true, PodCidr = "127.90.8.0/24" }, Cancel);
        var pod = NginxPod(cri);
        var url = (await cri.RuntimeClient.PortForwardAsync(new PortForwardRequest { PodSandboxId = pod }, cancellationToken: Cancel)).Url;

        var report = await SpdyPeer.RunAsync(["portforward", "--url", url, "--port", "80", "--send", @"GET / HTTP/1.1\r\nHost: web\r\nConnection: close\r\n\r\n"], Cancel);

        Assert.StartsWith("HTTP/1.1 200 OK", report.GetProperty("data").GetString(), StringComparison.Ordinal);
        Assert.Contains("Welcome to nginx!", report.GetProperty("data").GetString(), StringComparison.Ordinal);
        Assert.Equal(string.Empty, report.GetProperty("error").GetString());
    }

    [Fact]
    public async Task PortForward_NothingListening_ErrorStreamSaysConnectionRefused()
    {
        SpdyPeer.RequireBuilt();
        await using var cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default with { PodNetwork = true, PodCidr = "127.90.9.0/24" }, Cancel);
        var pod = cri.Runtime.SeedSandbox(SandboxSeed.For("quiet"));
        var url = (await cri.RuntimeClient.PortForwardAsync(new PortForwardRequest { PodSandboxId = pod }, cancellationToken: Cancel)).Url;

        var report = await SpdyPeer.RunAsync(["portforward", "--url", url, "--port", "9090", "--send", "ping"], Cancel);

        Assert.EndsWith("connect: connection refused", report.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    private static JsonElement Status(JsonElement report)
    {
        using var status = JsonDocument.Parse(report.GetProperty("error").GetString()!);
        return status.RootElement.Clone();
    }
}
