namespace FakeCri.Streaming.Internal.Spdy;

/// <summary>
/// GOAWAY (type 7): the sender opens no more streams and processed none above <paramref name="LastGoodStreamId"/>.
/// The status is carried raw: 0 OK, 1 PROTOCOL_ERROR, 2 INTERNAL_ERROR in Go's spdy package (which spdystream forks)
/// and netty.
/// </summary>
internal sealed record SpdyGoAwayFrame(uint LastGoodStreamId, uint Status) : SpdyFrame;
