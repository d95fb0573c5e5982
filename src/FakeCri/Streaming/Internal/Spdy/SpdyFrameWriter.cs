using System.Buffers.Binary;

namespace FakeCri.Streaming.Internal.Spdy;

/// <summary>
/// Writes SPDY/3.1 frames to one direction of a connection. Owns that direction's header compressor. Safe to call
/// from several streams at once: each frame is compressed and written whole under one lock, because the peer
/// inflates header blocks in wire order, so compression order must be write order.
/// </summary>
internal sealed class SpdyFrameWriter : IDisposable
{
    private readonly Stream _stream;
    private readonly SpdyHeaderCompressor _headers = new();
    private readonly SemaphoreSlim _lock = new(1, 1);

    public SpdyFrameWriter(Stream stream)
    {
        _stream = stream;
    }

    /// <summary>Writes <paramref name="frame"/> and flushes the stream.</summary>
    /// <exception cref="ArgumentException">A stream id needs the reserved bit, or the payload exceeds 24 bits.</exception>
    public async ValueTask WriteFrameAsync(SpdyFrame frame, CancellationToken cancellationToken = default)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var bytes = Serialize(frame);
            await _stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }

    public void Dispose()
    {
        _headers.Dispose();
        _lock.Dispose();
    }

    private byte[] Serialize(SpdyFrame frame) => frame switch
    {
        SpdyDataFrame data => Data(data),
        SpdySynStreamFrame syn => Control(
            SpdyControlType.SynStream,
            (byte)((syn.Fin ? SpdyFrame.FlagFin : 0) | (syn.Unidirectional ? SpdyFrame.FlagUnidirectional : 0)),
            Concat(
                UInt32(StreamId(syn.StreamId)),
                UInt32(StreamId(syn.AssociatedStreamId, allowZero: true)),
                [(byte)(Priority(syn.Priority) << 5), syn.Slot],
                _headers.Compress(syn.Headers))),
        SpdySynReplyFrame reply => Control(
            SpdyControlType.SynReply, Fin(reply.Fin), Concat(UInt32(StreamId(reply.StreamId)), _headers.Compress(reply.Headers))),
        SpdyHeadersFrame headers => Control(
            SpdyControlType.Headers, Fin(headers.Fin), Concat(UInt32(StreamId(headers.StreamId)), _headers.Compress(headers.Headers))),
        SpdyRstStreamFrame rst => Control(
            SpdyControlType.RstStream, 0, Concat(UInt32(StreamId(rst.StreamId)), UInt32((uint)rst.Status))),
        SpdySettingsFrame settings => Control(
            SpdyControlType.Settings, settings.ClearSettings ? SpdyFrame.FlagClearSettings : (byte)0, Settings(settings.Settings)),
        SpdyPingFrame ping => Control(SpdyControlType.Ping, 0, UInt32(ping.Id)),
        SpdyGoAwayFrame goAway => Control(
            SpdyControlType.GoAway, 0, Concat(UInt32(StreamId(goAway.LastGoodStreamId, allowZero: true)), UInt32(goAway.Status))),
        SpdyWindowUpdateFrame update => Control(
            SpdyControlType.WindowUpdate,
            0,
            Concat(UInt32(StreamId(update.StreamId, allowZero: true)), UInt32(Delta(update.DeltaWindowSize)))),
        _ => throw new ArgumentException($"{frame.GetType().Name} is not a frame this writer knows", nameof(frame)),
    };

    private static byte[] Data(SpdyDataFrame data)
    {
        var bytes = Frame(StreamId(data.StreamId), Fin(data.Fin), data.Data.Length);
        data.Data.Span.CopyTo(bytes.AsSpan(8));
        return bytes;
    }

    private static byte[] Control(SpdyControlType type, byte flags, byte[] payload)
    {
        var bytes = Frame(0x8000_0000 | ((uint)SpdyFrameReader.Version << 16) | (uint)type, flags, payload.Length);
        payload.CopyTo(bytes.AsSpan(8));
        return bytes;
    }

    private static byte[] Frame(uint first, byte flags, int length)
    {
        if (length > SpdyFrame.MaxPayloadLength)
        {
            throw new ArgumentException($"frame payload of {length} bytes exceeds SPDY's 24-bit length; split it");
        }

        var bytes = new byte[8 + length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, first);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4), ((uint)flags << 24) | (uint)length);
        return bytes;
    }

    private static byte[] Settings(IReadOnlyList<SpdySetting> settings)
    {
        var bytes = new byte[4 + (8 * settings.Count)];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)settings.Count);
        for (var i = 0; i < settings.Count; i++)
        {
            var setting = settings[i];
            if (setting.Id > SpdySetting.MaxId)
            {
                throw new ArgumentException($"setting id {setting.Id} does not fit in 24 bits");
            }

            var entry = bytes.AsSpan(4 + (8 * i));
            BinaryPrimitives.WriteUInt32BigEndian(entry, ((uint)setting.Flags << 24) | setting.Id);
            BinaryPrimitives.WriteUInt32BigEndian(entry[4..], setting.Value);
        }

        return bytes;
    }

    private static byte Fin(bool fin) => fin ? SpdyFrame.FlagFin : (byte)0;

    private static byte Priority(byte priority) =>
        priority <= 7 ? priority : throw new ArgumentException($"SPDY/3 priority {priority} does not fit in 3 bits");

    private static uint Delta(uint delta) =>
        delta <= SpdyFrame.MaxStreamId ? delta : throw new ArgumentException($"window delta {delta} does not fit in 31 bits");

    private static uint StreamId(uint streamId, bool allowZero = false)
    {
        if (streamId > SpdyFrame.MaxStreamId)
        {
            throw new ArgumentException($"stream id {streamId} does not fit in 31 bits");
        }

        if (streamId == 0 && !allowZero)
        {
            throw new ArgumentException("stream id 0 is reserved");
        }

        return streamId;
    }

    private static byte[] UInt32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] Concat(params ReadOnlySpan<byte[]> parts)
    {
        var length = 0;
        foreach (var part in parts)
        {
            length += part.Length;
        }

        var bytes = new byte[length];
        var offset = 0;
        foreach (var part in parts)
        {
            part.CopyTo(bytes, offset);
            offset += part.Length;
        }

        return bytes;
    }
}
