using System.Security.Cryptography;
using FakeCri.Streaming.Internal.Spdy;

namespace FakeCri.Tests.Streaming.Spdy;

/// <summary>
/// The SPDY/3 dictionary must be byte-exact or no peer can read our header blocks. The expected hash was taken from
/// two independently written public copies of the dictionary that agree with each other.
/// </summary>
public sealed class SpdyHeaderDictionaryTests
{
    [Fact]
    public void Bytes_Built_AreTheSpecDictionary()
    {
        var bytes = SpdyHeaderDictionary.Bytes.ToArray();

        Assert.Equal(1423, bytes.Length);
        Assert.Equal("51d27341373f923f3cd88e1eb7162aeaa3723d7585ff2399201dc06498407f02", Convert.ToHexStringLower(SHA256.HashData(bytes)));
        Assert.Equal("\0\0\0\u0007options"u8.ToArray(), bytes[..11]);
        Assert.Equal("enq=0."u8.ToArray(), bytes[^6..]);
    }

    [Fact]
    public void Adler32_OfTheBytes_MatchesTheDeclaredDictionaryId()
    {
        // Adler-32 written out here rather than taken from zlib, so the constant is checked by a second path.
        uint a = 1, b = 0;
        foreach (var value in SpdyHeaderDictionary.Bytes)
        {
            a = (a + value) % 65521;
            b = (b + a) % 65521;
        }

        Assert.Equal(SpdyHeaderDictionary.Adler32, (b << 16) | a);
    }
}
