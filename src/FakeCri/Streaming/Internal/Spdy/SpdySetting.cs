namespace FakeCri.Streaming.Internal.Spdy;

/// <summary>
/// One SETTINGS entry: 8 bits of flags (PERSIST_VALUE 1, PERSISTED 2), a 24-bit id (4 is MAX_CONCURRENT_STREAMS,
/// 7 INITIAL_WINDOW_SIZE), a 32-bit value.
/// </summary>
internal readonly record struct SpdySetting(byte Flags, uint Id, uint Value)
{
    public const uint MaxId = 0xFF_FFFF;
}
