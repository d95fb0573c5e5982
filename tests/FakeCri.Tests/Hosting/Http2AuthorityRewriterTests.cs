using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using FakeCri.Hosting.Internal;

namespace FakeCri.Tests.Hosting;

/// <summary>
/// The rewriter on its own, fed hand-built client bytes: what it changes, and that it changes nothing else.
/// </summary>
public sealed class Http2AuthorityRewriterTests
{
    private const byte DataType = 0x0;
    private const byte HeadersType = 0x1;
    private const byte SettingsType = 0x4;
    private const byte PingType = 0x6;
    private const byte WindowUpdateType = 0x8;
    private const byte ContinuationType = 0x9;

    private static readonly byte[] Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();

    /// <summary>
    /// A first request with Huffman strings and incremental indexing. Dynamic table afterwards, newest first:
    /// 62 te, 63 content-type, 64 :authority /tmp/x.sock, 65 :path.
    /// </summary>
    private static readonly byte[] FirstBlock = HpackDecoderTests.Hex(
        """
        83 86
        44 99 62cb6a49a92afdc2bedb6a49a92ee2d9dcc42b1c4b620c7abf
        41 88 6134d6c795d07275
        5f 8b 1d75d0620d263d4c4d6564
        40 02 7465 86 4d833505b11f
        """);

    /// <summary>The same request again, every field but the method and scheme from the dynamic table.</summary>
    private static readonly byte[] IndexedBlock = HpackDecoderTests.Hex("83 86 c1 c0 bf be");

    private static readonly string[] ExpectedHeaders =
    [
        ":method: POST",
        ":scheme: http",
        ":path: /runtime.v1.RuntimeService/Version",
        ":authority: localhost",
        "content-type: application/grpc",
        "te: trailers",
    ];

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunAsync_SocketPathAuthority_RewritesHeadersAndCopiesEveryOtherFrame()
    {
        var settings = Frame(SettingsType, 0, 0, HpackDecoderTests.Hex("0002 00000000"));
        var windowUpdate = Frame(WindowUpdateType, 0, 0, HpackDecoderTests.Hex("00ef0001"));
        var data1 = Frame(DataType, 0x1, 1, new byte[5]);
        var ping = Frame(PingType, 0, 0, HpackDecoderTests.Hex("0102030405060708"));
        var data3 = Frame(DataType, 0x1, 3, new byte[5]);

        // The second request comes padded, with a priority block, split into HEADERS and CONTINUATION.
        byte[] paddedPrioritised = [2, 0, 0, 0, 0, 15, .. IndexedBlock[..2], 0, 0];
        byte[] input =
        [
            .. Preface, .. settings, .. windowUpdate,
            .. Frame(HeadersType, 0x4, 1, FirstBlock),
            .. data1,
            .. Frame(HeadersType, 0x28, 3, paddedPrioritised),
            .. Frame(ContinuationType, 0x4, 3, IndexedBlock[2..]),
            .. ping, .. data3,
        ];

        var (output, rewriter) = await RewriteAsync(input);

        Assert.True(rewriter.IsRewriting);
        Assert.False(rewriter.IsCopyingOnly);
        Assert.Equal(Preface, output[..Preface.Length]);
        var frames = ParseFrames(output[Preface.Length..]);
        Assert.Equal(7, frames.Count);
        Assert.Equal(settings, frames[0].Raw);
        Assert.Equal(windowUpdate, frames[1].Raw);
        Assert.Equal(data1, frames[3].Raw);
        Assert.Equal(ping, frames[5].Raw);
        Assert.Equal(data3, frames[6].Raw);

        // Kestrel's side: one decoder for the connection, which never needs (nor gets) a dynamic table entry.
        var decoder = new HpackDecoder();
        Assert.Equal((HeadersType, (byte)0x4, 1), (frames[2].Type, frames[2].Flags, frames[2].StreamId));
        Assert.Equal(ExpectedHeaders, Decode(decoder, frames[2].Payload));
        Assert.Equal((HeadersType, (byte)0x24, 3), (frames[4].Type, frames[4].Flags, frames[4].StreamId));
        Assert.Equal(HpackDecoderTests.Hex("00000000 0f"), frames[4].Payload[..5]);
        Assert.Equal(ExpectedHeaders, Decode(decoder, frames[4].Payload[5..]));
        Assert.Equal(0, decoder.DynamicTableCount);
    }

    [Fact]
    public async Task RunAsync_InputArrivingOneOctetAtATime_GivesTheSameOutput()
    {
        byte[] input =
        [
            .. Preface, .. Frame(SettingsType, 0, 0, []),
            .. Frame(HeadersType, 0x4, 1, FirstBlock), .. Frame(DataType, 0x1, 1, new byte[5]),
            .. Frame(HeadersType, 0x5, 3, IndexedBlock),
        ];
        var (whole, _) = await RewriteAsync(input);

        var (trickled, rewriter) = await RewriteAsync(input, chunkSize: 1);

        Assert.True(rewriter.IsRewriting);
        Assert.Equal(whole, trickled);
    }

    [Fact]
    public async Task RunAsync_HostAuthorityOnly_CopiesEveryOctet()
    {
        var block = HpackDecoderTests.Hex("82 86 84 41 8cf1e3c2e5f23a6ba0ab90f4ff"); // :authority www.example.com
        byte[] input =
        [
            .. Preface, .. Frame(SettingsType, 0, 0, []),
            .. Frame(HeadersType, 0x5, 1, block),
            .. Frame(HeadersType, 0x5, 3, HpackDecoderTests.Hex("82 86 84 be")),
        ];

        var (output, rewriter) = await RewriteAsync(input);

        Assert.False(rewriter.IsRewriting);
        Assert.Equal(input, output);
    }

    [Fact]
    public async Task RunAsync_ValidAuthorityAfterARewrite_IsStillReencodedAsLiterals()
    {
        // The first block needs no change and passes as it is; the second does; the third indexes entries the
        // client added in the second, which Kestrel never saw: it must come as literals too.
        var valid = HpackDecoderTests.Hex("82 86 84 41 8cf1e3c2e5f23a6ba0ab90f4ff");
        var path = HpackDecoderTests.Hex("82 86 84 41 88 6134d6c795d07275");
        byte[] input =
        [
            .. Preface,
            .. Frame(HeadersType, 0x5, 1, valid),
            .. Frame(HeadersType, 0x5, 3, path),
            .. Frame(HeadersType, 0x5, 5, HpackDecoderTests.Hex("82 86 84 bf")),
        ];

        var (output, rewriter) = await RewriteAsync(input);

        var frames = ParseFrames(output[Preface.Length..]);
        Assert.Equal(Frame(HeadersType, 0x5, 1, valid), frames[0].Raw);
        var decoder = new HpackDecoder();
        Decode(decoder, frames[0].Payload);
        Assert.Equal([":method: GET", ":scheme: http", ":path: /", ":authority: localhost"], Decode(decoder, frames[1].Payload));
        Assert.Equal([":method: GET", ":scheme: http", ":path: /", ":authority: www.example.com"], Decode(decoder, frames[2].Payload));
        Assert.True(rewriter.IsRewriting);
    }

    [Fact]
    public async Task RunAsync_HostHeaderWithSocketPath_IsReplacedToo()
    {
        var block = HpackDecoderTests.Hex("82 86 84 41 88 6134d6c795d07275 66 0b 2f746d702f782e736f636b"); // host: /tmp/x.sock

        var (output, _) = await RewriteAsync([.. Preface, .. Frame(HeadersType, 0x5, 1, block)]);

        var frames = ParseFrames(output[Preface.Length..]);
        Assert.Equal(
            [":method: GET", ":scheme: http", ":path: /", ":authority: localhost", "host: localhost"],
            Decode(new HpackDecoder(), frames[0].Payload));
    }

    [Fact]
    public async Task RunAsync_RewrittenBlockLargerThanAFrame_IsSplitIntoContinuations()
    {
        var big = new string('v', 300);
        byte[] block =
        [
            .. HpackDecoderTests.Hex("82 86 84 41 88 6134d6c795d07275 00 01 78 7f ad01"), // x: 300 octets
            .. System.Text.Encoding.ASCII.GetBytes(big),
        ];

        // The client too stays within the server's frame size: its block comes in 100-octet frames.
        byte[] input =
        [
            .. Preface,
            .. Frame(HeadersType, 0x1, 1, block[..100]),
            .. Frame(ContinuationType, 0, 1, block[100..200]),
            .. Frame(ContinuationType, 0, 1, block[200..300]),
            .. Frame(ContinuationType, 0x4, 1, block[300..]),
        ];

        var (output, rewriter) = await RewriteAsync(input, maxFrameSize: 100);

        Assert.True(rewriter.IsRewriting);
        var frames = ParseFrames(output[Preface.Length..]);
        Assert.All(frames, f => Assert.True(f.Payload.Length <= 100));
        Assert.Equal((HeadersType, (byte)0x1), (frames[0].Type, frames[0].Flags)); // END_STREAM kept, no END_HEADERS
        Assert.All(frames[1..^1], f => Assert.Equal((ContinuationType, (byte)0), (f.Type, f.Flags)));
        Assert.Equal((ContinuationType, (byte)0x4), (frames[^1].Type, frames[^1].Flags));
        byte[] joined = [.. frames.SelectMany(f => f.Payload)];
        Assert.Equal(
            [":method: GET", ":scheme: http", ":path: /", ":authority: localhost", "x: " + big],
            Decode(new HpackDecoder(), joined));
    }

    [Theory]
    [InlineData("82 86 84 41 88 ffffffffffffffff")] // Huffman holding EOS
    [InlineData("82 86 84 c2")] // index 66: the client added only 62–65
    public async Task RunAsync_MalformedHeaderBlock_CopiesFromThereOn(string badBlock)
    {
        byte[] input =
        [
            .. Preface,
            .. Frame(HeadersType, 0x5, 1, FirstBlock),
            .. Frame(HeadersType, 0x5, 3, HpackDecoderTests.Hex(badBlock)),
            .. Frame(HeadersType, 0x5, 5, IndexedBlock),
        ];
        var rewrittenFirst = (await RewriteAsync([.. Preface, .. Frame(HeadersType, 0x5, 1, FirstBlock)])).Output;

        var (output, rewriter) = await RewriteAsync(input);

        Assert.True(rewriter.IsCopyingOnly);
        Assert.Equal([.. rewrittenFirst, .. input[(Preface.Length + 9 + FirstBlock.Length)..]], output);
    }

    [Fact]
    public async Task RunAsync_HeadersFrameOverTheServersFrameSize_CopiesForKestrelToRefuse()
    {
        var path = HpackDecoderTests.Hex("82 86 84 41 88 6134d6c795d07275");
        byte[] input = [.. Preface, .. Frame(HeadersType, 0x5, 1, path)];

        var (output, rewriter) = await RewriteAsync(input, maxFrameSize: path.Length - 1);

        Assert.True(rewriter.IsCopyingOnly);
        Assert.Equal(input, output);
    }

    [Fact]
    public async Task RunAsync_OtherFrameInsideAHeaderBlock_CopiesForKestrelToRefuse()
    {
        byte[] input =
        [
            .. Preface,
            .. Frame(HeadersType, 0x1, 1, FirstBlock[..4]),
            .. Frame(PingType, 0, 0, new byte[8]),
            .. Frame(ContinuationType, 0x4, 1, FirstBlock[4..]),
        ];

        var (output, rewriter) = await RewriteAsync(input);

        Assert.True(rewriter.IsCopyingOnly);
        Assert.Equal(input, output);
    }

    [Fact]
    public async Task RunAsync_EndlessEmptyContinuations_GivesUpInsteadOfBuffering()
    {
        var flood = Enumerable.Range(0, 30_000).SelectMany(_ => Frame(ContinuationType, 0, 1, []));
        byte[] input = [.. Preface, .. Frame(HeadersType, 0x1, 1, FirstBlock[..4]), .. flood];

        var (output, rewriter) = await RewriteAsync(input, chunkSize: 4096);

        Assert.True(rewriter.IsCopyingOnly);
        Assert.Equal(input, output);
    }

    [Fact]
    public async Task RunAsync_NotHttp2_CopiesEveryOctet()
    {
        var input = "GET / HTTP/1.1\r\nHost: /tmp/x.sock\r\n\r\n"u8.ToArray();

        var (output, rewriter) = await RewriteAsync(input);

        Assert.True(rewriter.IsCopyingOnly);
        Assert.Equal(input, output);
    }

    [Fact]
    public async Task RunAsync_InputEndsInsideAFrame_ForwardsTheTruncatedBytes()
    {
        byte[] input = [.. Preface, .. Frame(HeadersType, 0x5, 1, FirstBlock)[..20]];

        var (output, _) = await RewriteAsync(input);

        Assert.Equal(input, output);
    }

    [Theory]
    [InlineData("localhost", false)]
    [InlineData("localhost:10250", false)]
    [InlineData("127.0.0.1:8080", false)]
    [InlineData("[::1]:8080", false)]
    [InlineData("[fe80::1%25eth0]", false)]
    [InlineData("my-host.example_x~", false)]
    [InlineData("", false)]
    [InlineData("/run/containerd/containerd.sock", true)]
    [InlineData("%2Frun%2Ffakecri%2Ffakecri.sock", true)]
    [InlineData("%2frun%2ffakecri.sock", true)]
    [InlineData("unix:///run/fakecri.sock", true)]
    [InlineData("localhost:http", true)]
    [InlineData("[::1", true)]
    [InlineData("a b", true)]
    [InlineData("@abstract", true)]
    public void NeedsReplacement_Authority_TellsSocketPathsFromHosts(string authority, bool expected)
    {
        Assert.Equal(expected, AuthoritySyntax.NeedsReplacement(System.Text.Encoding.UTF8.GetBytes(authority)));
    }

    private static async Task<(byte[] Output, Http2AuthorityRewriter Rewriter)> RewriteAsync(
        byte[] input, int chunkSize = int.MaxValue, int maxFrameSize = 16384)
    {
        var client = new Pipe();
        var server = new Pipe(new PipeOptions(pauseWriterThreshold: 0, resumeWriterThreshold: 0));
        var rewriter = new Http2AuthorityRewriter(client.Reader, server.Writer, 4096, maxFrameSize, 64 * 1024);
        var pump = rewriter.RunAsync();
        for (var offset = 0; offset < input.Length; offset += chunkSize)
        {
            await client.Writer.WriteAsync(input.AsMemory(offset, Math.Min(chunkSize, input.Length - offset)), Cancel);
        }

        await client.Writer.CompleteAsync();
        await pump;

        var output = new List<byte>();
        while (true)
        {
            var read = await server.Reader.ReadAsync(Cancel);
            output.AddRange(read.Buffer.ToArray());
            server.Reader.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted)
            {
                return (output.ToArray(), rewriter);
            }
        }
    }

    private static byte[] Frame(byte type, byte flags, int streamId, byte[] payload)
    {
        var frame = new byte[9 + payload.Length];
        frame[0] = (byte)(payload.Length >> 16);
        frame[1] = (byte)(payload.Length >> 8);
        frame[2] = (byte)payload.Length;
        frame[3] = type;
        frame[4] = flags;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(5), streamId);
        payload.CopyTo(frame, 9);
        return frame;
    }

    private static List<ParsedFrame> ParseFrames(byte[] bytes)
    {
        var frames = new List<ParsedFrame>();
        for (var offset = 0; offset < bytes.Length;)
        {
            var length = (bytes[offset] << 16) | (bytes[offset + 1] << 8) | bytes[offset + 2];
            frames.Add(new ParsedFrame(
                bytes[offset + 3],
                bytes[offset + 4],
                BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(offset + 5)),
                bytes[(offset + 9)..(offset + 9 + length)],
                bytes[offset..(offset + 9 + length)]));
            offset += 9 + length;
        }

        return frames;
    }

    private static List<string> Decode(HpackDecoder decoder, byte[] block)
    {
        var headers = new List<HpackHeaderField>();
        Assert.True(decoder.TryDecode(block, headers), "the rewritten block must decode");
        return headers.ConvertAll(h => h.ToString());
    }

    private sealed record ParsedFrame(byte Type, byte Flags, int StreamId, byte[] Payload, byte[] Raw);
}
