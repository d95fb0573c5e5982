using System.Buffers.Binary;

namespace FakeCri.Streaming.Internal.Spdy;

/// <summary>
/// Reads SPDY/3.1 frames from one direction of a connection. Owns that direction's header decompressor, so every
/// frame must go through the same reader, in order. Not thread-safe: a session has one read loop.
/// </summary>
internal sealed class SpdyFrameReader : IDisposable
{
    public const ushort Version = 3;
    private const int HeaderLength = 8;

    private readonly Stream _stream;
    private readonly SpdyHeaderDecompressor _headers = new();
    private readonly byte[] _header = new byte[HeaderLength];

    public SpdyFrameReader(Stream stream)
    {
        _stream = stream;
    }

    /// <summary>
    /// The next frame, or null if the peer closed the connection between frames. Control frames of types this
    /// layer does not know are skipped, as SPDY/3 asks of receivers.
    /// </summary>
    /// <exception cref="SpdyProtocolException">Truncated frame, wrong version, or a malformed payload.</exception>
    public async ValueTask<SpdyFrame?> ReadFrameAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var read = await _stream.ReadAtLeastAsync(_header, HeaderLength, throwOnEndOfStream: false, cancellationToken)
                .ConfigureAwait(false);
            if (read == 0)
            {
                return null;
            }

            if (read < HeaderLength)
            {
                throw new SpdyProtocolException($"connection closed inside a frame header ({read} of {HeaderLength} bytes)");
            }

            var first = BinaryPrimitives.ReadUInt32BigEndian(_header);
            var flags = _header[4];
            var length = (int)(BinaryPrimitives.ReadUInt32BigEndian(_header.AsSpan(4)) & 0xFF_FFFF);
            var isControl = (first & 0x8000_0000) != 0;
            if (isControl)
            {
                var version = (ushort)((first >> 16) & 0x7FFF);
                if (version != Version)
                {
                    throw new SpdyProtocolException($"control frame has SPDY version {version}; only {Version} is spoken here");
                }
            }

            var payload = new byte[length];
            read = await _stream.ReadAtLeastAsync(payload, length, throwOnEndOfStream: false, cancellationToken)
                .ConfigureAwait(false);
            if (read < length)
            {
                var what = isControl ? $"{Describe((ushort)first)} frame" : "DATA frame";
                throw new SpdyProtocolException($"connection closed inside a {what} ({read} of {length} payload bytes)");
            }

            if (!isControl)
            {
                var streamId = first & SpdyFrame.MaxStreamId;
                if (streamId == 0)
                {
                    throw new SpdyProtocolException("DATA frame on stream 0");
                }

                return new SpdyDataFrame(streamId, (flags & SpdyFrame.FlagFin) != 0, payload);
            }

            var frame = ParseControl((SpdyControlType)(ushort)first, flags, payload);
            if (frame is not null)
            {
                return frame;
            }
        }
    }

    public void Dispose() => _headers.Dispose();

    private SpdyFrame? ParseControl(SpdyControlType type, byte flags, byte[] payload)
    {
        var fin = (flags & SpdyFrame.FlagFin) != 0;
        switch (type)
        {
            case SpdyControlType.SynStream:
                {
                    RequireAtLeast(type, payload, 10);
                    var streamId = StreamId(type, payload, 0);
                    return new SpdySynStreamFrame(
                        streamId,
                        BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(4)) & SpdyFrame.MaxStreamId,
                        (byte)(payload[8] >> 5),
                        payload[9],
                        fin,
                        (flags & SpdyFrame.FlagUnidirectional) != 0,
                        Headers(payload.AsSpan(10)));
                }

            case SpdyControlType.SynReply:
                RequireAtLeast(type, payload, 4);
                return new SpdySynReplyFrame(StreamId(type, payload, 0), fin, Headers(payload.AsSpan(4)));

            case SpdyControlType.Headers:
                RequireAtLeast(type, payload, 4);
                return new SpdyHeadersFrame(StreamId(type, payload, 0), fin, Headers(payload.AsSpan(4)));

            case SpdyControlType.RstStream:
                RequireExactly(type, payload, 8);
                return new SpdyRstStreamFrame(
                    StreamId(type, payload, 0), (SpdyRstStatus)BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(4)));

            case SpdyControlType.Settings:
                {
                    RequireAtLeast(type, payload, 4);
                    var count = BinaryPrimitives.ReadUInt32BigEndian(payload);
                    if ((ulong)payload.Length != 4 + (8UL * count))
                    {
                        throw new SpdyProtocolException(
                            $"SETTINGS frame claims {count} entries but its payload is {payload.Length} bytes");
                    }

                    var settings = new SpdySetting[count];
                    for (var i = 0; i < settings.Length; i++)
                    {
                        var entry = payload.AsSpan(4 + (8 * i));
                        var idAndFlags = BinaryPrimitives.ReadUInt32BigEndian(entry);
                        settings[i] = new SpdySetting(
                            (byte)(idAndFlags >> 24), idAndFlags & SpdySetting.MaxId, BinaryPrimitives.ReadUInt32BigEndian(entry[4..]));
                    }

                    return new SpdySettingsFrame((flags & SpdyFrame.FlagClearSettings) != 0, settings);
                }

            case SpdyControlType.Ping:
                RequireExactly(type, payload, 4);
                return new SpdyPingFrame(BinaryPrimitives.ReadUInt32BigEndian(payload));

            case SpdyControlType.GoAway:
                RequireExactly(type, payload, 8);
                return new SpdyGoAwayFrame(
                    BinaryPrimitives.ReadUInt32BigEndian(payload) & SpdyFrame.MaxStreamId,
                    BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(4)));

            case SpdyControlType.WindowUpdate:
                RequireExactly(type, payload, 8);
                // Stream 0 is legal here: SPDY/3.1's session-wide window.
                return new SpdyWindowUpdateFrame(
                    BinaryPrimitives.ReadUInt32BigEndian(payload) & SpdyFrame.MaxStreamId,
                    BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(4)) & SpdyFrame.MaxStreamId);

            default:
                return null;
        }
    }

    private List<KeyValuePair<string, string>> Headers(ReadOnlySpan<byte> block) =>
        block.IsEmpty ? [] : _headers.Decompress(block);

    private static uint StreamId(SpdyControlType type, byte[] payload, int offset)
    {
        var streamId = BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(offset)) & SpdyFrame.MaxStreamId;
        if (streamId == 0)
        {
            throw new SpdyProtocolException($"{Describe((ushort)type)} frame on stream 0");
        }

        return streamId;
    }

    private static void RequireAtLeast(SpdyControlType type, byte[] payload, int length)
    {
        if (payload.Length < length)
        {
            throw new SpdyProtocolException(
                $"{Describe((ushort)type)} frame payload is {payload.Length} bytes; it needs at least {length}");
        }
    }

    private static void RequireExactly(SpdyControlType type, byte[] payload, int length)
    {
        if (payload.Length != length)
        {
            throw new SpdyProtocolException($"{Describe((ushort)type)} frame payload is {payload.Length} bytes; it must be {length}");
        }
    }

    private static string Describe(ushort type) => (SpdyControlType)type switch
    {
        SpdyControlType.SynStream => "SYN_STREAM",
        SpdyControlType.SynReply => "SYN_REPLY",
        SpdyControlType.RstStream => "RST_STREAM",
        SpdyControlType.Settings => "SETTINGS",
        SpdyControlType.Ping => "PING",
        SpdyControlType.GoAway => "GOAWAY",
        SpdyControlType.Headers => "HEADERS",
        SpdyControlType.WindowUpdate => "WINDOW_UPDATE",
        _ => $"control type {type}",
    };
}
