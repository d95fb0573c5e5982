namespace FakeCri.Streaming.Internal.Spdy;

/// <summary>
/// One SPDY/3.1 frame, as <see cref="SpdyFrameReader"/> parses it and <see cref="SpdyFrameWriter"/> writes it. The
/// derived records are the frames Kubernetes' streaming (moby/spdystream) exchanges; stream ids are 31-bit, the
/// reader masks the reserved high bit and the writer refuses values that need it.
/// </summary>
internal abstract record SpdyFrame
{
    /// <summary>FLAG_FIN on DATA, SYN_STREAM, SYN_REPLY and HEADERS: the sender half-closes the stream.</summary>
    public const byte FlagFin = 0x01;

    /// <summary>FLAG_UNIDIRECTIONAL on SYN_STREAM: the recipient is half-closed from the start.</summary>
    public const byte FlagUnidirectional = 0x02;

    /// <summary>FLAG_SETTINGS_CLEAR_SETTINGS on SETTINGS.</summary>
    public const byte FlagClearSettings = 0x01;

    /// <summary>The largest stream id, and the largest payload a frame's 24-bit length allows.</summary>
    public const uint MaxStreamId = 0x7FFF_FFFF;

    public const int MaxPayloadLength = 0xFF_FFFF;
}
