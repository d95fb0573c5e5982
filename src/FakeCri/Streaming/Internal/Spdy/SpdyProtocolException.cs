namespace FakeCri.Streaming.Internal.Spdy;

/// <summary>
/// The peer sent bytes that are not SPDY/3.1 as this layer understands it (truncated frame, wrong version, broken
/// header block). The message names the problem; the connection cannot continue, since framing is lost.
/// </summary>
internal sealed class SpdyProtocolException : Exception
{
    public SpdyProtocolException(string message)
        : base(message)
    {
    }

    public SpdyProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
