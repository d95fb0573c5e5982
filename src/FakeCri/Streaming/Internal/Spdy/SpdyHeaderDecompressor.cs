namespace FakeCri.Streaming.Internal.Spdy;

/// <summary>
/// The receiving side of SPDY header compression: one inflate stream for all header blocks a connection receives,
/// given <see cref="SpdyHeaderDictionary"/> when the first block asks for it. Blocks must be fed in the order they
/// arrived, each whole (the sender sync-flushes after each). Not thread-safe: the frame reader is its only user.
/// </summary>
internal sealed unsafe class SpdyHeaderDecompressor : IDisposable
{
    /// <summary>
    /// A cap on one decompressed block. kubelet's streams carry a handful of short headers; anything near this is
    /// hostile or broken, and inflating it further would only spend memory.
    /// </summary>
    public const int MaxBlockSize = 1 << 20;

    private readonly ZlibStreamHandle _zlib = ZlibStreamHandle.CreateInflate();

    /// <summary>Decompresses and decodes one header block.</summary>
    /// <exception cref="SpdyProtocolException">The block does not inflate or does not decode.</exception>
    public List<KeyValuePair<string, string>> Decompress(ReadOnlySpan<byte> compressed) =>
        SpdyHeaderBlock.Decode(Inflate(compressed));

    /// <summary>Decompresses one header block to its name/value bytes.</summary>
    /// <exception cref="SpdyProtocolException">The block is not part of a valid zlib stream with the SPDY dictionary.</exception>
    public byte[] Inflate(ReadOnlySpan<byte> compressed)
    {
        ObjectDisposedException.ThrowIf(_zlib.IsClosed, this);
        var output = new byte[Math.Max(256, compressed.Length * 4)];
        var produced = 0;
        var stream = _zlib.Stream;
        fixed (byte* input = compressed)
        {
            stream->NextIn = input;
            stream->AvailIn = (uint)compressed.Length;
            try
            {
                while (true)
                {
                    if (produced == output.Length)
                    {
                        if (output.Length >= MaxBlockSize)
                        {
                            throw new SpdyProtocolException($"header block inflates to more than {MaxBlockSize} bytes");
                        }

                        Array.Resize(ref output, Math.Min(output.Length * 2, MaxBlockSize));
                    }

                    int code;
                    fixed (byte* target = output)
                    {
                        stream->NextOut = target + produced;
                        stream->AvailOut = (uint)(output.Length - produced);
                        code = ZlibNative.Inflate(stream, ZlibNative.SyncFlush);
                        produced = output.Length - (int)stream->AvailOut;
                    }

                    if (code == ZlibNative.NeedDict)
                    {
                        SetDictionary(stream);
                        continue;
                    }

                    if (code == ZlibNative.StreamEnd)
                    {
                        // A SPDY header stream lasts as long as the connection; a finished one cannot carry the next block.
                        throw new SpdyProtocolException("header compression stream ended; SPDY never finishes it");
                    }

                    if (code != ZlibNative.Ok && code != ZlibNative.BufError)
                    {
                        throw new SpdyProtocolException($"header block does not inflate: {ZlibNative.Describe(stream, code)}");
                    }

                    if (stream->AvailIn == 0 && stream->AvailOut != 0)
                    {
                        break;
                    }

                    if (code == ZlibNative.BufError && stream->AvailOut != 0)
                    {
                        throw new SpdyProtocolException("header block inflate made no progress");
                    }
                }
            }
            finally
            {
                stream->NextIn = null;
                stream->NextOut = null;
            }
        }

        return output[..produced];
    }

    public void Dispose() => _zlib.Dispose();

    private static void SetDictionary(ZlibNative.ZStream* stream)
    {
        // zlib reports the Adler-32 of the dictionary the stream was compressed with in adler when it asks for one.
        if (stream->Adler != SpdyHeaderDictionary.Adler32)
        {
            throw new SpdyProtocolException(
                $"header block was compressed with dictionary 0x{(ulong)stream->Adler:X8}, not SPDY/3's 0x{SpdyHeaderDictionary.Adler32:X8}");
        }

        fixed (byte* dictionary = SpdyHeaderDictionary.Bytes)
        {
            var code = ZlibNative.InflateSetDictionary(stream, dictionary, (uint)SpdyHeaderDictionary.Bytes.Length);
            if (code != ZlibNative.Ok)
            {
                throw new SpdyProtocolException($"inflateSetDictionary refused the SPDY/3 dictionary: {ZlibNative.Describe(stream, code)}");
            }
        }
    }
}
