namespace FakeCri.Hosting.Internal;

/// <summary>
/// Decodes HPACK Huffman-coded strings (RFC 7541 section 5.2, code of Appendix B).
/// </summary>
/// <remarks>
/// The Appendix B code is canonical: codes of one length are consecutive numbers in symbol order, and each length's
/// first code follows from the counts of the shorter lengths. So the table here is only the code length of every
/// symbol; the codes themselves are derived once, and a code is recognised by its distance from its length's first
/// code.
/// </remarks>
internal static class HpackHuffman
{
    private const int EndOfString = 256;
    private const int MaxCodeLength = 30;
    private const int MaxPaddingBits = 7;

    private static readonly CanonicalCode Code = CanonicalCode.Build();

    /// <summary>Code length in bits of symbols 0–255 and of EOS (256), as RFC 7541 Appendix B lists them.</summary>
    private static ReadOnlySpan<byte> CodeLengths =>
    [
        13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28,
        28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,
        6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6,
        5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,
        13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
        7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,
        15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5,
        6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,
        20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23,
        24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
        22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23,
        21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,
        26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25,
        19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,
        20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23,
        26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,
        30,
    ];

    /// <summary>The most bytes <paramref name="encodedLength"/> Huffman-coded bytes can decode to.</summary>
    public static int MaxDecodedLength(int encodedLength) => (int)(encodedLength * 8L / 5); // shortest code: 5 bits

    /// <summary>
    /// Decodes <paramref name="source"/> into <paramref name="destination"/> (at least
    /// <see cref="MaxDecodedLength"/> bytes). False when the input holds EOS, or its padding is longer than 7 bits
    /// or not the most significant bits of EOS (all ones): RFC 7541 section 5.2 makes each a decoding error.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> source, Span<byte> destination, out int written)
    {
        written = 0;
        var firstCode = Code.FirstCode;
        var count = Code.Count;
        var firstIndex = Code.FirstIndex;
        var symbols = Code.Symbols;

        uint code = 0;
        var length = 0;
        foreach (var octet in source)
        {
            for (var bit = 7; bit >= 0; bit--)
            {
                code = (code << 1) | (uint)((octet >> bit) & 1);
                length++;

                // Every prefix that is not a whole code lies at or above its length's first unused code, so the
                // unsigned distance is below the count only for a real code (and wraps high for none).
                var offset = code - firstCode[length];
                if (offset < count[length])
                {
                    var symbol = symbols[firstIndex[length] + (int)offset];
                    if (symbol == EndOfString || written == destination.Length)
                    {
                        return false;
                    }

                    destination[written++] = (byte)symbol;
                    code = 0;
                    length = 0;
                }
                else if (length == MaxCodeLength)
                {
                    return false;
                }
            }
        }

        return length <= MaxPaddingBits && code == (1u << length) - 1;
    }

    /// <summary>The canonical code, derived from <see cref="CodeLengths"/>, laid out for decoding.</summary>
    private sealed class CanonicalCode
    {
        private CanonicalCode(uint[] firstCode, uint[] count, int[] firstIndex, short[] symbols)
        {
            FirstCode = firstCode;
            Count = count;
            FirstIndex = firstIndex;
            Symbols = symbols;
        }

        /// <summary>By code length: the numerically first code of that length.</summary>
        public uint[] FirstCode { get; }

        /// <summary>By code length: how many symbols have a code of that length.</summary>
        public uint[] Count { get; }

        /// <summary>By code length: where that length's symbols start in <see cref="Symbols"/>.</summary>
        public int[] FirstIndex { get; }

        /// <summary>All symbols ordered by code length, then by symbol value: the canonical order.</summary>
        public short[] Symbols { get; }

        public static CanonicalCode Build()
        {
            var lengths = CodeLengths;
            var count = new uint[MaxCodeLength + 1];
            foreach (var length in lengths)
            {
                count[length]++;
            }

            var firstCode = new uint[MaxCodeLength + 1];
            var firstIndex = new int[MaxCodeLength + 1];
            uint next = 0;
            var index = 0;
            for (var length = 1; length <= MaxCodeLength; length++)
            {
                firstCode[length] = next;
                firstIndex[length] = index;
                next = (next + count[length]) << 1;
                index += (int)count[length];
            }

            var symbols = new short[lengths.Length];
            var placed = (int[])firstIndex.Clone();
            for (var symbol = 0; symbol < lengths.Length; symbol++)
            {
                symbols[placed[lengths[symbol]]++] = (short)symbol;
            }

            return new CanonicalCode(firstCode, count, firstIndex, symbols);
        }
    }
}
