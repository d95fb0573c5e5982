using FakeCri.Hosting.Internal;

namespace FakeCri.Tests.Hosting;

/// <summary>
/// The HPACK decoder under the unix socket door, against the examples of RFC 7541 Appendix C, and the inputs the
/// RFC calls decoding errors.
/// </summary>
public sealed class HpackDecoderTests
{
    private const string ExampleAuthority = ":authority: www.example.com";
    private const string FirstDate = "date: Mon, 21 Oct 2013 20:13:21 GMT";
    private const string Location = "location: https://www.example.com";
    private const string Cookie = "set-cookie: foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1";

    [Theory]
    [InlineData("400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572", "custom-key: custom-header", 55)] // C.2.1
    [InlineData("040c 2f73 616d 706c 652f 7061 7468", ":path: /sample/path", 0)] // C.2.2
    [InlineData("1008 7061 7373 776f 7264 0673 6563 7265 74", "password: secret", 0)] // C.2.3
    [InlineData("82", ":method: GET", 0)] // C.2.4
    public void TryDecode_LiteralFormsOfC2_DecodeAndIndexAsTheRfcShows(string block, string field, int tableSize)
    {
        var decoder = new HpackDecoder();

        var headers = Decode(decoder, block);

        Assert.Equal([field], headers);
        Assert.Equal(tableSize, decoder.DynamicTableSize);
    }

    [Fact]
    public void TryDecode_NeverIndexedLiteral_KeepsTheMark()
    {
        var headers = new List<HpackHeaderField>();

        Assert.True(new HpackDecoder().TryDecode(Hex("1008 7061 7373 776f 7264 0673 6563 7265 74"), headers));

        Assert.True(Assert.Single(headers).NeverIndexed);
    }

    [Fact]
    public void TryDecode_RequestsOfC3WithoutHuffman_ShareOneDynamicTable()
    {
        var decoder = new HpackDecoder();

        AssertStep(decoder, "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
            [":method: GET", ":scheme: http", ":path: /", ExampleAuthority], tableSize: 57, entries: 1);
        AssertStep(decoder, "8286 84be 5808 6e6f 2d63 6163 6865",
            [":method: GET", ":scheme: http", ":path: /", ExampleAuthority, "cache-control: no-cache"], tableSize: 110, entries: 2);
        AssertStep(decoder, "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65",
            [":method: GET", ":scheme: https", ":path: /index.html", ExampleAuthority, "custom-key: custom-value"], tableSize: 164, entries: 3);
    }

    [Fact]
    public void TryDecode_RequestsOfC4WithHuffman_ShareOneDynamicTable()
    {
        var decoder = new HpackDecoder();

        AssertStep(decoder, "8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff",
            [":method: GET", ":scheme: http", ":path: /", ExampleAuthority], tableSize: 57, entries: 1);
        AssertStep(decoder, "8286 84be 5886 a8eb 1064 9cbf",
            [":method: GET", ":scheme: http", ":path: /", ExampleAuthority, "cache-control: no-cache"], tableSize: 110, entries: 2);
        AssertStep(decoder, "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf",
            [":method: GET", ":scheme: https", ":path: /index.html", ExampleAuthority, "custom-key: custom-value"], tableSize: 164, entries: 3);
    }

    [Fact]
    public void TryDecode_ResponsesOfC5WithoutHuffman_EvictFromA256OctetTable()
    {
        var decoder = new HpackDecoder(maxTableSizeLimit: 256);

        AssertStep(decoder,
            """
            4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133
            2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70
            6c65 2e63 6f6d
            """,
            [":status: 302", "cache-control: private", FirstDate, Location], tableSize: 222, entries: 4);
        AssertStep(decoder, "4803 3330 37c1 c0bf",
            [":status: 307", "cache-control: private", FirstDate, Location], tableSize: 222, entries: 4);
        AssertStep(decoder,
            """
            88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d
            54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049
            5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e
            3d31
            """,
            [":status: 200", "cache-control: private", "date: Mon, 21 Oct 2013 20:13:22 GMT", Location,
                "content-encoding: gzip", Cookie],
            tableSize: 215, entries: 3);
    }

    [Fact]
    public void TryDecode_ResponsesOfC6WithHuffman_EvictFromA256OctetTable()
    {
        var decoder = new HpackDecoder(maxTableSizeLimit: 256);

        AssertStep(decoder,
            """
            4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6
            2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3
            """,
            [":status: 302", "cache-control: private", FirstDate, Location], tableSize: 222, entries: 4);
        AssertStep(decoder, "4883 640e ffc1 c0bf",
            [":status: 307", "cache-control: private", FirstDate, Location], tableSize: 222, entries: 4);
        AssertStep(decoder,
            """
            88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab
            77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f
            9587 3160 65c0 03ed 4ee5 b106 3d50 07
            """,
            [":status: 200", "cache-control: private", "date: Mon, 21 Oct 2013 20:13:22 GMT", Location,
                "content-encoding: gzip", Cookie],
            tableSize: 215, entries: 3);
    }

    [Fact]
    public void TryDecode_SizeUpdateToZero_EmptiesTheTableAndLaterEntriesDoNotStay()
    {
        var decoder = new HpackDecoder();
        Decode(decoder, "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d");

        var headers = Decode(decoder, "20 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65");

        Assert.Equal(["custom-key: custom-value"], headers);
        Assert.Equal(0, decoder.MaxDynamicTableSize);
        Assert.Equal(0, decoder.DynamicTableSize);
        Assert.Equal(0, decoder.DynamicTableCount);
    }

    [Fact]
    public void TryDecode_IntegerWithContinuationOctets_DecodesPastThePrefix()
    {
        // A 200-octet value: 127 in the prefix, then 73 in one continuation octet (section 5.1).
        var value = new string('v', 200);
        var block = Hex("0001 61 7f 49" + Convert.ToHexString(System.Text.Encoding.ASCII.GetBytes(value)));

        var headers = new List<HpackHeaderField>();
        Assert.True(new HpackDecoder().TryDecode(block, headers));

        Assert.Equal("a: " + value, Assert.Single(headers).ToString());
    }

    [Theory]
    [InlineData("80")] // index 0 (section 6.1)
    [InlineData("be")] // index 62 with an empty dynamic table
    [InlineData("ff 80 80 80 80 80 01")] // an index past any 32-bit integer
    [InlineData("3fe2 1f")] // size update to 4097, above the 4096 limit
    [InlineData("82 20")] // size update after a field (section 4.2)
    [InlineData("0001 61 05 6162")] // string longer than the block
    [InlineData("0001 61 ff")] // integer cut off after its full prefix
    [InlineData("0001 61 84 ffff ffff")] // Huffman: 32 one-bits hold EOS (section 5.2)
    [InlineData("0001 61 82 1fff")] // Huffman: "a" then 11 padding bits, more than 7
    [InlineData("0001 61 81 18")] // Huffman: "a" then padding 000, not EOS's ones
    public void TryDecode_DecodingError_ReturnsFalse(string block)
    {
        Assert.False(new HpackDecoder().TryDecode(Hex(block), []));
    }

    [Fact]
    public void TryDecode_HeaderListOverTheLimit_ReturnsFalse()
    {
        var decoder = new HpackDecoder(maxHeaderListBytes: 10);

        Assert.False(decoder.TryDecode(Hex("400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572"), []));
    }

    private static void AssertStep(
        HpackDecoder decoder, string block, string[] expected, int tableSize, int entries)
    {
        var headers = Decode(decoder, block);

        Assert.Equal(expected, headers);
        Assert.Equal(tableSize, decoder.DynamicTableSize);
        Assert.Equal(entries, decoder.DynamicTableCount);
    }

    private static List<string> Decode(HpackDecoder decoder, string block)
    {
        var headers = new List<HpackHeaderField>();
        Assert.True(decoder.TryDecode(Hex(block), headers), "the block must decode");
        return headers.ConvertAll(h => h.ToString());
    }

    internal static byte[] Hex(string text) =>
        Convert.FromHexString(string.Concat(text.Where(char.IsAsciiHexDigit)));
}
