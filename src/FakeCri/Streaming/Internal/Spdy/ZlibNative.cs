using System.Runtime.InteropServices;

namespace FakeCri.Streaming.Internal.Spdy;

/// <summary>
/// The platform zlib, called directly: SPDY header blocks need a preset dictionary and a deflate stream that lives
/// for the whole connection, and System.IO.Compression offers neither. Linux x64/arm64 (LP64) only, like the rest of
/// the fake's native calls.
/// </summary>
internal static unsafe partial class ZlibNative
{
    private const string Library = "libz.so.1";

    public const int NoFlush = 0;
    public const int SyncFlush = 2;

    public const int Ok = 0;
    public const int StreamEnd = 1;
    public const int NeedDict = 2;
    public const int BufError = -5;

    public const int DefaultCompression = -1;

    /// <summary>
    /// struct z_stream_s on LP64: uInt is 4 bytes, uLong and pointers 8, so 112 bytes in all. zlib refuses to
    /// initialise a stream whose size it does not recognise (Z_VERSION_ERROR), which guards this layout.
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct ZStream
    {
        public byte* NextIn;
        public uint AvailIn;
        public nuint TotalIn;
        public byte* NextOut;
        public uint AvailOut;
        public nuint TotalOut;
        public byte* Msg;
        public nint State;
        public nint ZAlloc;
        public nint ZFree;
        public nint Opaque;
        public int DataType;
        public nuint Adler;
        public nuint Reserved;
    }

    [LibraryImport(Library, EntryPoint = "zlibVersion")]
    public static partial byte* Version();

    [LibraryImport(Library, EntryPoint = "deflateInit_")]
    public static partial int DeflateInit(ZStream* stream, int level, byte* version, int streamSize);

    [LibraryImport(Library, EntryPoint = "deflateSetDictionary")]
    public static partial int DeflateSetDictionary(ZStream* stream, byte* dictionary, uint length);

    [LibraryImport(Library, EntryPoint = "deflate")]
    public static partial int Deflate(ZStream* stream, int flush);

    [LibraryImport(Library, EntryPoint = "deflateEnd")]
    public static partial int DeflateEnd(ZStream* stream);

    [LibraryImport(Library, EntryPoint = "inflateInit_")]
    public static partial int InflateInit(ZStream* stream, byte* version, int streamSize);

    [LibraryImport(Library, EntryPoint = "inflateSetDictionary")]
    public static partial int InflateSetDictionary(ZStream* stream, byte* dictionary, uint length);

    [LibraryImport(Library, EntryPoint = "inflate")]
    public static partial int Inflate(ZStream* stream, int flush);

    [LibraryImport(Library, EntryPoint = "inflateEnd")]
    public static partial int InflateEnd(ZStream* stream);

    /// <summary>The text zlib attaches to its last error, or the bare code when there is none.</summary>
    public static string Describe(ZStream* stream, int code) =>
        stream->Msg is null ? $"zlib error {code}" : $"zlib error {code}: {Marshal.PtrToStringUTF8((nint)stream->Msg)}";
}
