using System.Net.Sockets;
using System.Text;
using FakeCri.Cri.V1;
using FakeCri.Tests.Infrastructure;

namespace FakeCri.Tests.Hosting;

/// <summary>
/// Clients that send the socket path as <c>:authority</c> (grpc-go before 1.52, as in kubelet, crictl and critest
/// 1.26; a %-encoded path from newer C-core) are served on the unix socket door.
/// </summary>
/// <remarks>
/// SocketsHttpHandler drops a Host header it cannot parse and sends the URI's authority instead, so these tests
/// speak HTTP/2 through <see cref="RawGrpcConnection"/> with header blocks encoded here the way grpc-go encodes
/// them: Huffman strings, incremental indexing, and later requests that reference the dynamic table.
/// </remarks>
public sealed class UnixSocketAuthorityTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Call_SocketPathAuthorityOverTcp_IsRefusedByKestrel()
    {
        // The control: TCP has no compatibility rewrite, so this proves the path really reaches Kestrel's check.
        var path = TempSocket.NewPath();
        await using var cri = await FakeCriServer.StartAsync(
            FakeCriOptions.Default.WithListen(FakeCriEndpoint.Unix(path), FakeCriEndpoint.Tcp()), Cancel);
        await using var connection = await RawGrpcConnection.ConnectAsync(
            cri.Endpoints.Single(e => e.Kind == FakeCriEndpointKind.Tcp), Cancel);

        var result = await connection.CallAsync(FirstVersionBlock(path), new VersionRequest(), Cancel);

        Assert.Equal("RST_STREAM error 1", result.Refusal); // PROTOCOL_ERROR
    }

    [Fact]
    public async Task Call_SocketPathAuthorityOverUnixSocket_IsServedAlsoWhenLaterRequestsIndexIt()
    {
        var path = TempSocket.NewPath();
        await using var cri = await FakeCriServer.StartAsync(
            FakeCriOptions.Default.WithListen(FakeCriEndpoint.Unix(path)), Cancel);
        await using var connection = await RawGrpcConnection.ConnectAsync(cri.Endpoints[0], Cancel);

        var first = await connection.CallAsync(FirstVersionBlock(path), new VersionRequest(), Cancel);
        var status = await connection.CallAsync(StatusBlockAfterFirst, new StatusRequest(), Cancel);
        var again = await connection.CallAsync(VersionBlockAfterStatus, new VersionRequest(), Cancel);

        AssertServed(first);
        Assert.Equal("fakecri", first.Message(VersionResponse.Parser).RuntimeName);
        AssertServed(status);
        Assert.NotEmpty(status.Message(StatusResponse.Parser).Status.Conditions);
        AssertServed(again);
        Assert.Equal("fakecri", again.Message(VersionResponse.Parser).RuntimeName);
    }

    [Fact]
    public async Task Call_PercentEncodedPathAuthorityOverUnixSocket_IsServed()
    {
        var path = TempSocket.NewPath();
        await using var cri = await FakeCriServer.StartAsync(
            FakeCriOptions.Default.WithListen(FakeCriEndpoint.Unix(path)), Cancel);
        await using var connection = await RawGrpcConnection.ConnectAsync(cri.Endpoints[0], Cancel);

        var first = await connection.CallAsync(FirstVersionBlock(Uri.EscapeDataString(path)), new VersionRequest(), Cancel);
        var status = await connection.CallAsync(StatusBlockAfterFirst, new StatusRequest(), Cancel);

        AssertServed(first);
        Assert.Equal("fakecri", first.Message(VersionResponse.Parser).RuntimeName);
        AssertServed(status);
    }

    [Fact]
    public async Task Call_HostAuthorityOverUnixSocket_IsServedUnchanged()
    {
        var path = TempSocket.NewPath();
        await using var cri = await FakeCriServer.StartAsync(
            FakeCriOptions.Default.WithListen(FakeCriEndpoint.Unix(path)), Cancel);
        await using var connection = await RawGrpcConnection.ConnectAsync(cri.Endpoints[0], Cancel);

        var first = await connection.CallAsync(FirstVersionBlock("localhost"), new VersionRequest(), Cancel);
        var status = await connection.CallAsync(StatusBlockAfterFirst, new StatusRequest(), Cancel);

        AssertServed(first);
        AssertServed(status);
    }

    [Fact]
    public async Task Connection_ClientLeavesInsideAHeaderBlock_ServerKeepsServing()
    {
        var path = TempSocket.NewPath();
        await using var cri = await FakeCriServer.StartAsync(
            FakeCriOptions.Default.WithListen(FakeCriEndpoint.Unix(path)), Cancel);
        using (var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), Cancel);
            byte[] partial = [.. "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0x40, 0x1, 0x4, 0, 0, 0, 1, 0x83];
            await socket.SendAsync(partial, Cancel);
        }

        await using var connection = await RawGrpcConnection.ConnectAsync(cri.Endpoints[0], Cancel);
        AssertServed(await connection.CallAsync(FirstVersionBlock(path), new VersionRequest(), Cancel));
    }

    [Fact]
    public async Task DisposeAsync_IdleConnectionThroughTheRewrite_StopsPromptly()
    {
        var path = TempSocket.NewPath();
        var cri = await FakeCriServer.StartAsync(FakeCriOptions.Default.WithListen(FakeCriEndpoint.Unix(path)), Cancel);
        await using var connection = await RawGrpcConnection.ConnectAsync(cri.Endpoints[0], Cancel);
        AssertServed(await connection.CallAsync(FirstVersionBlock(path), new VersionRequest(), Cancel));
        var clock = System.Diagnostics.Stopwatch.StartNew();

        await cri.DisposeAsync();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"stopping took {clock.Elapsed}");
    }

    [Fact]
    public async Task GrpcChannel_ManyConcurrentCallsOverUnixSocket_AllSucceed()
    {
        // The .NET client sends "localhost": the rewrite stays out of the way, also with streams interleaved.
        var path = TempSocket.NewPath();
        await using var cri = await FakeCriServer.StartAsync(
            FakeCriOptions.Default.WithListen(FakeCriEndpoint.Unix(path)), Cancel);

        var calls = Enumerable.Range(0, 40).Select(async i =>
        {
            if (i % 2 == 0)
            {
                return (await cri.RuntimeClient.VersionAsync(new VersionRequest(), cancellationToken: Cancel)).RuntimeName;
            }

            var status = await cri.RuntimeClient.StatusAsync(new StatusRequest { Verbose = true }, cancellationToken: Cancel);
            return status.Status.Conditions.Count > 0 ? "fakecri" : "no conditions";
        });

        Assert.All(await Task.WhenAll(calls), name => Assert.Equal("fakecri", name));
    }

    /// <summary>
    /// A first Version request as grpc-go 1.51 encodes it. Afterwards the client's dynamic table holds, newest first:
    /// 62 user-agent, 63 te, 64 content-type, 65 :authority, 66 :path Version.
    /// </summary>
    private static byte[] FirstVersionBlock(string authority) =>
    [
        0x83, // :method POST
        0x86, // :scheme http
        0x44, 0x99, .. HpackDecoderTests.Hex("62cb6a49a92afdc2bedb6a49a92ee2d9dcc42b1c4b620c7abf"), // :path, Huffman
        0x41, .. PlainString(authority), // :authority, incremental indexing
        0x5f, 0x8b, .. HpackDecoderTests.Hex("1d75d0620d263d4c4d6564"), // content-type: application/grpc
        0x40, 0x02, (byte)'t', (byte)'e', 0x86, .. HpackDecoderTests.Hex("4d833505b11f"), // te: trailers
        0x7a, 0x8a, .. HpackDecoderTests.Hex("9acac8b4c7602bb615c1"), // user-agent: grpc-go/1.51.0
    ];

    /// <summary>Status next: its new :path becomes 62 and pushes the rest one up (:authority is now 66).</summary>
    private static byte[] StatusBlockAfterFirst =>
    [
        0x83, 0x86,
        0x44, 0x98, .. HpackDecoderTests.Hex("62cb6a49a92afdc2bedb6a49a92ee2d9dcc42b1b9234da8f"), // :path Status
        0xc2, 0xc1, 0xc0, 0xbf, // :authority, content-type, te, user-agent: all from the dynamic table
    ];

    /// <summary>Version once more: every field indexed (:path Version is 67 now).</summary>
    private static byte[] VersionBlockAfterStatus => [0x83, 0x86, 0xc3, 0xc2, 0xc1, 0xc0, 0xbf];

    private static byte[] PlainString(string text)
    {
        var octets = Encoding.ASCII.GetBytes(text);
        Assert.True(octets.Length < 127 + 128, "a one-continuation-octet length is all this helper writes");
        return octets.Length < 127 ? [(byte)octets.Length, .. octets] : [0x7f, (byte)(octets.Length - 127), .. octets];
    }

    private static void AssertServed(RawGrpcResult result)
    {
        Assert.Null(result.Refusal);
        Assert.Equal("200", result.Header(":status"));
        Assert.Equal("0", result.Header("grpc-status"));
    }
}
