namespace FakeCri.Streaming.Internal.Spdy;

/// <summary>RST_STREAM (type 3): ends a stream abnormally, in both directions at once.</summary>
internal sealed record SpdyRstStreamFrame(uint StreamId, SpdyRstStatus Status) : SpdyFrame;
