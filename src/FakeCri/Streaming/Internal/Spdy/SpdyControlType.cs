namespace FakeCri.Streaming.Internal.Spdy;

/// <summary>The control frame types of SPDY/3 (NOOP, 5, was SPDY/2's; CREDENTIAL, 10, nobody here uses).</summary>
internal enum SpdyControlType : ushort
{
    SynStream = 1,
    SynReply = 2,
    RstStream = 3,
    Settings = 4,
    Ping = 6,
    GoAway = 7,
    Headers = 8,
    WindowUpdate = 9,
}
