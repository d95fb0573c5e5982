namespace FakeCri.Streaming.Internal.Spdy;

/// <summary>
/// SYN_STREAM (type 1): opens a stream. Kubernetes clients send one per channel, naming it in the
/// <c>streamtype</c> header (and <c>port</c>, <c>requestid</c> for port-forward). Priority is 3 bits (0 highest);
/// the slot is SPDY/3's credential slot, always 0 in practice.
/// </summary>
internal sealed record SpdySynStreamFrame(
    uint StreamId,
    uint AssociatedStreamId,
    byte Priority,
    byte Slot,
    bool Fin,
    bool Unidirectional,
    IReadOnlyList<KeyValuePair<string, string>> Headers) : SpdyFrame;
