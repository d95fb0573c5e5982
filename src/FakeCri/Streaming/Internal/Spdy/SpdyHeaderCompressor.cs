namespace FakeCri.Streaming.Internal.Spdy;

/// <summary>
/// The sending side of SPDY header compression: one deflate stream for all header blocks a connection sends, primed
/// with <see cref="SpdyHeaderDictionary"/> and sync-flushed after each block so the peer can decode it at once. It is
/// never reset, so later blocks refer back to earlier ones, and the peer must decode every block in order. Not
/// thread-safe: the frame writer serialises its use.
/// </summary>
internal sealed unsafe class SpdyHeaderCompressor : IDisposable
{
    private const int MinimumSpace = 64;

    private readonly ZlibStreamHandle _zlib;

    public SpdyHeaderCompressor()
    {
        _zlib = ZlibStreamHandle.CreateDeflate(ZlibNative.DefaultCompression);
        fixed (byte* dictionary = SpdyHeaderDictionary.Bytes)
        {
            var code = ZlibNative.DeflateSetDictionary(_zlib.Stream, dictionary, (uint)SpdyHeaderDictionary.Bytes.Length);
            if (code != ZlibNative.Ok)
            {
                _zlib.Dispose();
                throw new InvalidOperationException($"deflateSetDictionary failed with zlib error {code}");
            }
        }
    }

    /// <summary>Encodes <paramref name="headers"/> as a name/value block and compresses it.</summary>
    public byte[] Compress(IReadOnlyList<KeyValuePair<string, string>> headers) => Compress(SpdyHeaderBlock.Encode(headers));

    /// <summary>Compresses one already-encoded name/value block, ending with a sync flush.</summary>
    public byte[] Compress(ReadOnlySpan<byte> block)
    {
        ObjectDisposedException.ThrowIf(_zlib.IsClosed, this);
        var output = new byte[block.Length + MinimumSpace];
        var produced = 0;
        var stream = _zlib.Stream;
        fixed (byte* input = block)
        {
            stream->NextIn = input;
            stream->AvailIn = (uint)block.Length;
            while (true)
            {
                if (output.Length - produced < MinimumSpace)
                {
                    Array.Resize(ref output, output.Length * 2);
                }

                fixed (byte* target = output)
                {
                    stream->NextOut = target + produced;
                    stream->AvailOut = (uint)(output.Length - produced);
                    var code = ZlibNative.Deflate(stream, ZlibNative.SyncFlush);
                    produced = output.Length - (int)stream->AvailOut;
                    if (code != ZlibNative.Ok && code != ZlibNative.BufError)
                    {
                        throw new InvalidOperationException(ZlibNative.Describe(stream, code));
                    }
                }

                // zlib's contract for a flush: finished once it returns with output space left over.
                if (stream->AvailOut != 0 && stream->AvailIn == 0)
                {
                    break;
                }
            }

            stream->NextIn = null;
            stream->NextOut = null;
        }

        return output[..produced];
    }

    public void Dispose() => _zlib.Dispose();
}
