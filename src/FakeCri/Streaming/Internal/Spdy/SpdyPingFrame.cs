namespace FakeCri.Streaming.Internal.Spdy;

/// <summary>PING (type 6): the recipient echoes a ping the peer started; client ids are odd, server ids even.</summary>
internal sealed record SpdyPingFrame(uint Id) : SpdyFrame;
