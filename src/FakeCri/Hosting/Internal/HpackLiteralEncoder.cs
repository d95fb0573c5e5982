namespace FakeCri.Hosting.Internal;

/// <summary>
/// Encodes header fields as HPACK literals with a new name and no indexing (RFC 7541 section 6.2.2; 6.2.3 for
/// never-indexed fields), plain strings, no Huffman: a block a decoder understands with an empty dynamic table and
/// that leaves its table untouched.
/// </summary>
internal static class HpackLiteralEncoder
{
    private const byte WithoutIndexing = 0x00;
    private const byte NeverIndexed = 0x10;
    private const int StringPrefixBits = 7;

    /// <summary>How many octets <see cref="Encode"/> writes for <paramref name="field"/>.</summary>
    public static int GetEncodedLength(HpackHeaderField field) =>
        1 + GetStringLength(field.Name.Length) + GetStringLength(field.Value.Length);

    /// <summary>
    /// Writes <paramref name="field"/> to <paramref name="destination"/>, which must hold
    /// <see cref="GetEncodedLength"/> octets; returns how many were written.
    /// </summary>
    public static int Encode(HpackHeaderField field, Span<byte> destination)
    {
        // Name index 0 in the 4-bit prefix means "new name": the first octet is the whole representation tag.
        destination[0] = field.NeverIndexed ? NeverIndexed : WithoutIndexing;
        var written = 1;
        written += EncodeString(field.Name, destination[written..]);
        written += EncodeString(field.Value, destination[written..]);
        return written;
    }

    private static int GetStringLength(int length)
    {
        var octets = 1;
        var mask = (1 << StringPrefixBits) - 1;
        if (length >= mask)
        {
            // Section 5.1: the rest after the full prefix goes out 7 bits per octet.
            for (var rest = length - mask; ; rest >>= 7)
            {
                octets++;
                if (rest < 0x80)
                {
                    break;
                }
            }
        }

        return octets + length;
    }

    private static int EncodeString(ReadOnlySpan<byte> value, Span<byte> destination)
    {
        // H bit clear: the octets go out as they are.
        var written = EncodeInteger(value.Length, StringPrefixBits, destination);
        value.CopyTo(destination[written..]);
        return written + value.Length;
    }

    private static int EncodeInteger(int value, int prefixBits, Span<byte> destination)
    {
        var mask = (1 << prefixBits) - 1;
        if (value < mask)
        {
            destination[0] = (byte)value;
            return 1;
        }

        destination[0] = (byte)mask;
        var written = 1;
        var rest = value - mask;
        while (rest >= 0x80)
        {
            destination[written++] = (byte)((rest & 0x7F) | 0x80);
            rest >>= 7;
        }

        destination[written++] = (byte)rest;
        return written;
    }
}
