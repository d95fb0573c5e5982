namespace FakeCri.Streaming.Internal.Spdy;

/// <summary>RST_STREAM status codes of SPDY/3; the reader passes unknown values through unchanged.</summary>
internal enum SpdyRstStatus : uint
{
    ProtocolError = 1,
    InvalidStream = 2,
    RefusedStream = 3,
    UnsupportedVersion = 4,
    Cancel = 5,
    InternalError = 6,
    FlowControlError = 7,
    StreamInUse = 8,
    StreamAlreadyClosed = 9,
    InvalidCredentials = 10,
    FrameTooLarge = 11,
}
