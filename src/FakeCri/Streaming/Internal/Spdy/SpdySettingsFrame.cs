namespace FakeCri.Streaming.Internal.Spdy;

/// <summary>
/// SETTINGS (type 4): connection parameters. spdystream sends none it needs honoured (it does no flow control), but
/// the frame must be parsed so the connection keeps its framing.
/// </summary>
internal sealed record SpdySettingsFrame(bool ClearSettings, IReadOnlyList<SpdySetting> Settings) : SpdyFrame;
