namespace FakeCri.Streaming.Internal.Spdy;

/// <summary>HEADERS (type 8): more headers for an open stream, through the same compression context.</summary>
internal sealed record SpdyHeadersFrame(uint StreamId, bool Fin, IReadOnlyList<KeyValuePair<string, string>> Headers)
    : SpdyFrame;
