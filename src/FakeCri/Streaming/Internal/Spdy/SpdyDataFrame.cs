namespace FakeCri.Streaming.Internal.Spdy;

/// <summary>A DATA frame: bytes of one stream; <paramref name="Fin"/> half-closes the sender's side.</summary>
internal sealed record SpdyDataFrame(uint StreamId, bool Fin, ReadOnlyMemory<byte> Data) : SpdyFrame;
