using FakeCri.Streaming.Internal.Spdy;

namespace FakeCri.Tests.Streaming.Spdy;

public sealed class SpdyHeaderBlockTests
{
    [Fact]
    public void Encode_OneHeader_IsCountThenLengthPrefixedNameAndValue()
    {
        var block = SpdyHeaderBlock.Encode([new("streamtype", "stdout")]);

        Assert.Equal(
            "00000001" + "0000000a" + Convert.ToHexStringLower("streamtype"u8) + "00000006" + Convert.ToHexStringLower("stdout"u8),
            Convert.ToHexStringLower(block));
    }

    [Fact]
    public void Encode_RepeatedAndMixedCaseNames_LowercasesAndJoinsValuesWithNul()
    {
        var block = SpdyHeaderBlock.Encode([new("Port", "80"), new("requestid", "0"), new("PORT", "443")]);

        Assert.Equal(
            "00000002"
            + "00000004" + Convert.ToHexStringLower("port"u8) + "00000006" + Convert.ToHexStringLower("80\0443"u8)
            + "00000009" + Convert.ToHexStringLower("requestid"u8) + "00000001" + Convert.ToHexStringLower("0"u8),
            Convert.ToHexStringLower(block));
    }

    [Fact]
    public void Decode_EncodedHeaders_SplitsJoinedValuesBack()
    {
        List<KeyValuePair<string, string>> headers = [new("port", "80"), new("port", "443"), new("requestid", "0"), new("empty", "")];

        var decoded = SpdyHeaderBlock.Decode(SpdyHeaderBlock.Encode(headers));

        Assert.Equal([new("port", "80"), new("port", "443"), new("requestid", "0"), new("empty", "")], decoded);
    }

    [Fact]
    public void Decode_EmptyBlock_ReturnsNoHeaders()
    {
        Assert.Empty(SpdyHeaderBlock.Decode(SpdyHeaderBlock.Encode([])));
    }

    [Theory]
    [InlineData("000000", "truncated in the pair count")]
    [InlineData("00000001" + "00000004" + "706f7274" + "00000009" + "3830", "claims 9 bytes but 2 remain")]
    [InlineData("00000100" + "00000000" + "00000000", "claims 256 pairs")]
    [InlineData("00000001" + "00000000" + "00000000", "empty header name")]
    [InlineData("00000001" + "00000004" + "506f7274" + "00000000", "'Port' is not lowercase")]
    [InlineData("00000002" + "00000001" + "61" + "00000000" + "00000001" + "61" + "00000000", "'a' appears twice")]
    [InlineData("00000000" + "00", "1 bytes after its last pair")]
    public void Decode_MalformedBlock_ThrowsNamingTheProblem(string hex, string problem)
    {
        var exception = Assert.Throws<SpdyProtocolException>(() => SpdyHeaderBlock.Decode(Convert.FromHexString(hex)));

        Assert.Contains(problem, exception.Message, StringComparison.Ordinal);
    }
}
