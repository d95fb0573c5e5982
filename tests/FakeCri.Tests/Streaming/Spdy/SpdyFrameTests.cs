using FakeCri.Streaming.Internal.Spdy;

namespace FakeCri.Tests.Streaming.Spdy;

/// <summary>Frames through <see cref="SpdyFrameWriter"/> and back through <see cref="SpdyFrameReader"/>, and wire bytes.</summary>
public sealed class SpdyFrameTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WriteFrameAsync_DataWithFin_ExactBytes()
    {
        var bytes = await WriteAsync(new SpdyDataFrame(5, Fin: true, "hi"u8.ToArray()));

        Assert.Equal("00000005" + "01000002" + "6869", Convert.ToHexStringLower(bytes));
    }

    [Fact]
    public async Task WriteFrameAsync_Ping_ExactControlHeader()
    {
        var bytes = await WriteAsync(new SpdyPingFrame(0x01020304));

        Assert.Equal("80030006" + "00000004" + "01020304", Convert.ToHexStringLower(bytes));
    }

    [Fact]
    public async Task ReadFrameAsync_DataRoundTrip_KeepsStreamFinAndBytes()
    {
        var frames = await RoundTripAsync(
            new SpdyDataFrame(1, Fin: false, "stdin bytes"u8.ToArray()),
            new SpdyDataFrame(SpdyFrame.MaxStreamId, Fin: true, ReadOnlyMemory<byte>.Empty));

        var first = Assert.IsType<SpdyDataFrame>(frames[0]);
        var last = Assert.IsType<SpdyDataFrame>(frames[1]);
        Assert.Equal((1u, false, "stdin bytes"), (first.StreamId, first.Fin, System.Text.Encoding.UTF8.GetString(first.Data.Span)));
        Assert.Equal((SpdyFrame.MaxStreamId, true, 0), (last.StreamId, last.Fin, last.Data.Length));
    }

    [Fact]
    public async Task ReadFrameAsync_SynStreamRoundTrip_KeepsEveryField()
    {
        List<KeyValuePair<string, string>> headers = [new("streamtype", "data"), new("port", "80"), new("requestid", "3")];

        var frames = await RoundTripAsync(
            new SpdySynStreamFrame(7, 3, Priority: 5, Slot: 0, Fin: true, Unidirectional: true, headers),
            new SpdySynStreamFrame(9, 0, Priority: 0, Slot: 2, Fin: false, Unidirectional: false, [new("streamtype", "error")]));

        var first = Assert.IsType<SpdySynStreamFrame>(frames[0]);
        var second = Assert.IsType<SpdySynStreamFrame>(frames[1]);
        Assert.Equal((7u, 3u, (byte)5, (byte)0, true, true), (first.StreamId, first.AssociatedStreamId, first.Priority, first.Slot, first.Fin, first.Unidirectional));
        Assert.Equal(headers, first.Headers);
        Assert.Equal((9u, 0u, (byte)0, (byte)2, false, false), (second.StreamId, second.AssociatedStreamId, second.Priority, second.Slot, second.Fin, second.Unidirectional));
        Assert.Equal([new("streamtype", "error")], second.Headers);
    }

    [Fact]
    public async Task ReadFrameAsync_SynReplyAndHeadersRoundTrip_KeepStreamFinAndHeaders()
    {
        var frames = await RoundTripAsync(
            new SpdySynReplyFrame(1, Fin: false, []),
            new SpdyHeadersFrame(1, Fin: true, [new("status", "ok")]),
            new SpdySynReplyFrame(3, Fin: true, [new("streamtype", "stdout")]));

        var reply = Assert.IsType<SpdySynReplyFrame>(frames[0]);
        var headers = Assert.IsType<SpdyHeadersFrame>(frames[1]);
        var fin = Assert.IsType<SpdySynReplyFrame>(frames[2]);
        Assert.Equal((1u, false, 0), (reply.StreamId, reply.Fin, reply.Headers.Count));
        Assert.Equal((1u, true), (headers.StreamId, headers.Fin));
        Assert.Equal([new("status", "ok")], headers.Headers);
        Assert.Equal((3u, true), (fin.StreamId, fin.Fin));
        Assert.Equal([new("streamtype", "stdout")], fin.Headers);
    }

    [Fact]
    public async Task ReadFrameAsync_FixedSizeControlFramesRoundTrip_Equal()
    {
        SpdyFrame[] frames =
        [
            new SpdyRstStreamFrame(3, SpdyRstStatus.Cancel),
            new SpdyRstStreamFrame(5, (SpdyRstStatus)99),
            new SpdyPingFrame(uint.MaxValue),
            new SpdyGoAwayFrame(11, 2),
            new SpdyGoAwayFrame(0, 0),
            new SpdyWindowUpdateFrame(0, SpdyFrame.MaxStreamId),
            new SpdyWindowUpdateFrame(1, 65536),
        ];

        var read = await RoundTripAsync(frames);

        Assert.Equal(frames, read);
    }

    [Fact]
    public async Task ReadFrameAsync_SettingsRoundTrip_KeepsFlagsIdsAndValues()
    {
        SpdySetting[] settings = [new(0, 4, 100), new(1, 7, 65536), new(2, SpdySetting.MaxId, uint.MaxValue)];

        var frames = await RoundTripAsync(new SpdySettingsFrame(ClearSettings: true, settings), new SpdySettingsFrame(false, []));

        var first = Assert.IsType<SpdySettingsFrame>(frames[0]);
        var empty = Assert.IsType<SpdySettingsFrame>(frames[1]);
        Assert.True(first.ClearSettings);
        Assert.Equal(settings, first.Settings);
        Assert.False(empty.ClearSettings);
        Assert.Empty(empty.Settings);
    }

    [Fact]
    public async Task ReadFrameAsync_ReservedBitsSetInStreamIds_AreMasked()
    {
        // A DATA frame's top bit is the control bit itself, so only control frames can carry a reserved stream-id bit.
        var bytes = Convert.FromHexString(
            "80030003" + "00000008" + "80000009" + "00000005" // RST_STREAM, stream 0x80000009
            + "80030009" + "00000008" + "8000000b" + "80000100" // WINDOW_UPDATE, stream 0x8000000b, delta 0x80000100
            + "80030007" + "00000008" + "ffffffff" + "00000000"); // GOAWAY, last good 0xffffffff
        using var reader = new SpdyFrameReader(new MemoryStream(bytes));

        Assert.Equal(new SpdyRstStreamFrame(9, SpdyRstStatus.Cancel), await reader.ReadFrameAsync(Cancel));
        Assert.Equal(new SpdyWindowUpdateFrame(11, 0x100), await reader.ReadFrameAsync(Cancel));
        Assert.Equal(new SpdyGoAwayFrame(SpdyFrame.MaxStreamId, 0), await reader.ReadFrameAsync(Cancel));
        Assert.Null(await reader.ReadFrameAsync(Cancel));
    }

    [Fact]
    public async Task ReadFrameAsync_UnknownControlType_IsSkipped()
    {
        var bytes = Convert.FromHexString("8003000a" + "00000003" + "010203" + "80030006" + "00000004" + "0000002a");
        using var reader = new SpdyFrameReader(new MemoryStream(bytes));

        Assert.Equal(new SpdyPingFrame(42), await reader.ReadFrameAsync(Cancel));
    }

    [Fact]
    public async Task ReadFrameAsync_EmptyStream_ReturnsNull()
    {
        using var reader = new SpdyFrameReader(new MemoryStream());

        Assert.Null(await reader.ReadFrameAsync(Cancel));
    }

    [Theory]
    [InlineData("800300", "inside a frame header (3 of 8 bytes)")]
    [InlineData("80030006" + "00000004" + "0000", "inside a PING frame (2 of 4 payload bytes)")]
    [InlineData("00000001" + "00000010" + "00", "inside a DATA frame (1 of 16 payload bytes)")]
    [InlineData("80020006" + "00000004" + "00000001", "SPDY version 2")]
    [InlineData("80030006" + "00000005" + "0000000100", "PING frame payload is 5 bytes; it must be 4")]
    [InlineData("80030001" + "00000004" + "00000001", "SYN_STREAM frame payload is 4 bytes; it needs at least 10")]
    [InlineData("80030004" + "00000008" + "00000002" + "00000000", "SETTINGS frame claims 2 entries")]
    [InlineData("80030003" + "00000008" + "00000000" + "00000001", "RST_STREAM frame on stream 0")]
    [InlineData("00000000" + "00000000", "DATA frame on stream 0")]
    [InlineData("80030002" + "00000008" + "00000001" + "01020304", "does not inflate")]
    public async Task ReadFrameAsync_MalformedInput_ThrowsNamingTheProblem(string hex, string problem)
    {
        using var reader = new SpdyFrameReader(new MemoryStream(Convert.FromHexString(hex)));

        var exception = await Assert.ThrowsAsync<SpdyProtocolException>(async () => await reader.ReadFrameAsync(Cancel));

        Assert.Contains(problem, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteFrameAsync_ConcurrentHeaderFrames_ReaderDecodesEveryBlockInWireOrder()
    {
        using var buffer = new MemoryStream();
        using (var writer = new SpdyFrameWriter(buffer))
        {
            await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(
                async () => await writer.WriteFrameAsync(new SpdySynReplyFrame((uint)((2 * i) + 1), false, [new("streamtype", $"s{i}")]), Cancel),
                Cancel)));
        }

        buffer.Position = 0;
        using var reader = new SpdyFrameReader(buffer);
        var seen = new List<uint>();
        while (await reader.ReadFrameAsync(Cancel) is SpdySynReplyFrame reply)
        {
            Assert.Equal([new("streamtype", $"s{(reply.StreamId - 1) / 2}")], reply.Headers);
            seen.Add(reply.StreamId);
        }

        Assert.Equal(Enumerable.Range(0, 64).Select(i => (uint)((2 * i) + 1)), seen.Order());
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(0x8000_0000u)]
    public async Task WriteFrameAsync_StreamIdOutOf31Bits_Throws(uint streamId)
    {
        using var writer = new SpdyFrameWriter(new MemoryStream());

        await Assert.ThrowsAsync<ArgumentException>(async () => await writer.WriteFrameAsync(new SpdyDataFrame(streamId, false, default), Cancel));
    }

    private static async Task<byte[]> WriteAsync(SpdyFrame frame)
    {
        using var buffer = new MemoryStream();
        using var writer = new SpdyFrameWriter(buffer);
        await writer.WriteFrameAsync(frame, Cancel);
        return buffer.ToArray();
    }

    private static async Task<List<SpdyFrame>> RoundTripAsync(params SpdyFrame[] frames)
    {
        using var buffer = new MemoryStream();
        using (var writer = new SpdyFrameWriter(buffer))
        {
            foreach (var frame in frames)
            {
                await writer.WriteFrameAsync(frame, Cancel);
            }
        }

        buffer.Position = 0;
        using var reader = new SpdyFrameReader(buffer);
        var read = new List<SpdyFrame>();
        while (await reader.ReadFrameAsync(Cancel) is { } frame)
        {
            read.Add(frame);
        }

        Assert.Equal(frames.Length, read.Count);
        return read;
    }
}
