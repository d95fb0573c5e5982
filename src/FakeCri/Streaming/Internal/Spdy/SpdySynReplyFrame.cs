namespace FakeCri.Streaming.Internal.Spdy;

/// <summary>SYN_REPLY (type 2): the recipient accepts a stream the peer opened.</summary>
internal sealed record SpdySynReplyFrame(uint StreamId, bool Fin, IReadOnlyList<KeyValuePair<string, string>> Headers)
    : SpdyFrame;
