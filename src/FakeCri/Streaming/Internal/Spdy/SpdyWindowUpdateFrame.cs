namespace FakeCri.Streaming.Internal.Spdy;

/// <summary>
/// WINDOW_UPDATE (type 9): flow-control credit for a stream. spdystream neither sends nor expects flow control, so
/// a session may ignore these, but they are parsed like every other frame.
/// </summary>
internal sealed record SpdyWindowUpdateFrame(uint StreamId, uint DeltaWindowSize) : SpdyFrame;
