using System.ComponentModel;
using System.Diagnostics;
using FakeCri.Streaming.Internal.Spdy;

namespace FakeCri.Tests.Streaming.Spdy;

/// <summary>
/// Header compression: one zlib context per direction for the whole connection, primed with the SPDY/3 dictionary,
/// sync-flushed per block. Checked against zlib's own view of the dictionary and against Python's zlib as an
/// independent peer.
/// </summary>
public sealed class SpdyHeaderCompressionTests
{
    private static readonly List<KeyValuePair<string, string>>[] Blocks =
    [
        [new("streamtype", "error")],
        [new("streamtype", "stdin")],
        [new("streamtype", "stdout")],
        [new("streamtype", "stderr")],
        [new("streamtype", "resize")],
        [new("streamtype", "data"), new("port", "8080"), new("requestid", "0")],
        [],
    ];

    [Fact]
    public void Decompress_SeveralBlocksOnOneContext_RoundTripsEachInOrder()
    {
        using var compressor = new SpdyHeaderCompressor();
        using var decompressor = new SpdyHeaderDecompressor();

        foreach (var headers in Blocks)
        {
            var compressed = compressor.Compress(headers);

            Assert.Equal(headers, decompressor.Decompress(compressed));
        }
    }

    [Fact]
    public void Compress_SameBlockTwice_SecondIsShorterBecauseTheContextPersists()
    {
        using var compressor = new SpdyHeaderCompressor();
        List<KeyValuePair<string, string>> headers = [new("streamtype", "stdout"), new("x-stream-protocol-version", "v4.channel.k8s.io")];

        var first = compressor.Compress(headers);
        var second = compressor.Compress(headers);

        Assert.True(second.Length < first.Length, $"second block {second.Length} bytes, first {first.Length}");
        Assert.Equal([0x00, 0x00, 0xFF, 0xFF], second[^4..]); // the empty stored block a sync flush ends with
    }

    [Fact]
    public void Decompress_LaterBlockOnAFreshContext_Fails()
    {
        using var compressor = new SpdyHeaderCompressor();
        _ = compressor.Compress(Blocks[0]);
        var second = compressor.Compress(Blocks[1]);
        using var fresh = new SpdyHeaderDecompressor();

        Assert.Throws<SpdyProtocolException>(() => fresh.Decompress(second));
    }

    [Fact]
    public void Compress_FirstBlock_ZlibHeaderNamesTheSpdyDictionary()
    {
        using var compressor = new SpdyHeaderCompressor();

        var compressed = compressor.Compress(Blocks[0]);

        Assert.Equal(0x78, compressed[0]); // deflate, 32 KiB window
        Assert.NotEqual(0, compressed[1] & 0x20); // FDICT
        Assert.Equal("e3c6a7c2", Convert.ToHexStringLower(compressed.AsSpan(2, 4)));
    }

    [Fact]
    public unsafe void InflateSetDictionary_AfterNeedDict_AcceptsTheDictionary()
    {
        using var compressor = new SpdyHeaderCompressor();
        var compressed = compressor.Compress(Blocks[5]);
        var output = new byte[1024];
        using var zlib = ZlibStreamHandle.CreateInflate();
        var stream = zlib.Stream;
        int needDict, setDictionary, inflate;
        uint dictionaryId;
        fixed (byte* input = compressed)
        fixed (byte* target = output)
        fixed (byte* dictionary = SpdyHeaderDictionary.Bytes)
        {
            stream->NextIn = input;
            stream->AvailIn = (uint)compressed.Length;
            stream->NextOut = target;
            stream->AvailOut = (uint)output.Length;
            needDict = ZlibNative.Inflate(stream, ZlibNative.SyncFlush);
            dictionaryId = (uint)stream->Adler;
            setDictionary = ZlibNative.InflateSetDictionary(stream, dictionary, (uint)SpdyHeaderDictionary.Bytes.Length);
            inflate = ZlibNative.Inflate(stream, ZlibNative.SyncFlush);
        }

        var produced = output.Length - (int)stream->AvailOut;
        Assert.Equal((ZlibNative.NeedDict, SpdyHeaderDictionary.Adler32), (needDict, dictionaryId));
        Assert.Equal((ZlibNative.Ok, ZlibNative.Ok), (setDictionary, inflate));
        Assert.Equal(SpdyHeaderBlock.Encode(Blocks[5]), output[..produced]);
    }

    [Fact]
    public void Decompress_Garbage_ThrowsProtocolException()
    {
        using var decompressor = new SpdyHeaderDecompressor();

        var exception = Assert.Throws<SpdyProtocolException>(() => decompressor.Decompress([0x01, 0x02, 0x03, 0x04]));

        Assert.Contains("does not inflate", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compress_BlocksDecodedByPythonZlib_AndPythonBlocksDecodedByUs()
    {
        using var compressor = new SpdyHeaderCompressor();
        var ours = Blocks.Select(headers => compressor.Compress(headers)).ToArray();

        var (inflated, theirs) = await PythonAsync(ours);

        Assert.Equal(Blocks.Select(headers => Convert.ToHexStringLower(SpdyHeaderBlock.Encode(headers))), inflated);
        using var decompressor = new SpdyHeaderDecompressor();
        Assert.Equal(Blocks.Length, theirs.Length);
        for (var i = 0; i < Blocks.Length; i++)
        {
            Assert.Equal(Blocks[i], decompressor.Decompress(Convert.FromHexString(theirs[i])));
        }
    }

    /// <summary>
    /// Python's zlib as the second implementation: it inflates our blocks with one decompressor (hex per block on
    /// the first output line) and deflates the inflated blocks again with one compressor, sync-flushing each
    /// (second line).
    /// </summary>
    private static async Task<(string[] Inflated, string[] Deflated)> PythonAsync(byte[][] blocks)
    {
        const string Script = """
            import sys, zlib
            d = bytes.fromhex(sys.argv[1])
            dec = zlib.decompressobj(zdict=d)
            plain = [dec.decompress(bytes.fromhex(h)) for h in sys.stdin.read().split()]
            enc = zlib.compressobj(zdict=d)
            print(' '.join(p.hex() for p in plain))
            print(' '.join((enc.compress(p) + enc.flush(zlib.Z_SYNC_FLUSH)).hex() for p in plain))
            """;
        var start = new ProcessStartInfo("python3")
        {
            ArgumentList = { "-c", Script, Convert.ToHexStringLower(SpdyHeaderDictionary.Bytes) },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception)
        {
            Assert.Skip("python3 is not installed");
            throw;
        }

        using (process)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            await process.StandardInput.WriteAsync(string.Join(' ', blocks.Select(Convert.ToHexStringLower)));
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var error = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            Assert.True(process.ExitCode == 0, await error);
            var lines = (await output).Split('\n');
            return (lines[0].Split(' '), lines[1].Split(' '));
        }
    }
}
