using System.Runtime.InteropServices;

namespace FakeCri.Streaming.Internal.Spdy;

/// <summary>
/// A z_stream in native memory, initialised for deflate or inflate. It must not move: zlib keeps a pointer back to
/// it in its internal state and rejects calls through any other address, so it cannot live on the managed heap.
/// </summary>
internal sealed unsafe class ZlibStreamHandle : SafeHandle
{
    private readonly bool _deflate;

    private ZlibStreamHandle(bool deflate)
        : base(0, ownsHandle: true)
    {
        _deflate = deflate;
        SetHandle((nint)NativeMemory.AllocZeroed((nuint)sizeof(ZlibNative.ZStream)));
    }

    public override bool IsInvalid => handle == 0;

    public ZlibNative.ZStream* Stream => (ZlibNative.ZStream*)handle;

    public static ZlibStreamHandle CreateDeflate(int level)
    {
        var result = new ZlibStreamHandle(deflate: true);
        var code = ZlibNative.DeflateInit(result.Stream, level, ZlibNative.Version(), sizeof(ZlibNative.ZStream));
        return result.Initialised(code, "deflateInit");
    }

    public static ZlibStreamHandle CreateInflate()
    {
        var result = new ZlibStreamHandle(deflate: false);
        var code = ZlibNative.InflateInit(result.Stream, ZlibNative.Version(), sizeof(ZlibNative.ZStream));
        return result.Initialised(code, "inflateInit");
    }

    protected override bool ReleaseHandle()
    {
        var stream = (ZlibNative.ZStream*)handle;
        if (stream->State != 0)
        {
            _ = _deflate ? ZlibNative.DeflateEnd(stream) : ZlibNative.InflateEnd(stream);
        }

        NativeMemory.Free(stream);
        return true;
    }

    private ZlibStreamHandle Initialised(int code, string call)
    {
        if (code == ZlibNative.Ok)
        {
            return this;
        }

        // Nothing to end: a failed init leaves no internal state behind.
        Dispose();
        throw new InvalidOperationException($"{call} failed with zlib error {code}");
    }
}
