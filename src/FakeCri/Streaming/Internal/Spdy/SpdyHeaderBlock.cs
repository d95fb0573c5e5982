using System.Buffers.Binary;
using System.Text;

namespace FakeCri.Streaming.Internal.Spdy;

/// <summary>
/// The uncompressed SPDY/3 name/value header block: a 32-bit pair count, then per pair a 32-bit name length, the
/// name, a 32-bit value length and the value, all big-endian. Names are lowercase and unique; a name with several
/// values carries them NUL-separated in one value. Here a header list is a list of pairs in which a name may
/// repeat, as in HTTP: encoding joins the repeats (in first-appearance order), decoding splits them again.
/// </summary>
internal static class SpdyHeaderBlock
{
    private const char ValueSeparator = '\0';

    public static byte[] Encode(IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        var joined = new List<(string Name, StringBuilder Value)>();
        foreach (var (name, value) in headers)
        {
            if (name.Length == 0)
            {
                throw new ArgumentException("SPDY header names cannot be empty", nameof(headers));
            }

            var lower = name.ToLowerInvariant();
            var index = joined.FindIndex(pair => pair.Name == lower);
            if (index < 0)
            {
                joined.Add((lower, new StringBuilder(value)));
            }
            else
            {
                joined[index].Value.Append(ValueSeparator).Append(value);
            }
        }

        using var buffer = new MemoryStream();
        Span<byte> number = stackalloc byte[4];
        WriteUInt32(buffer, number, (uint)joined.Count);
        foreach (var (name, value) in joined)
        {
            WriteString(buffer, number, name);
            WriteString(buffer, number, value.ToString());
        }

        return buffer.ToArray();
    }

    /// <exception cref="SpdyProtocolException">The block is truncated, has trailing bytes, or breaks the name rules.</exception>
    public static List<KeyValuePair<string, string>> Decode(ReadOnlySpan<byte> block)
    {
        var position = 0;
        var count = ReadUInt32(block, ref position, "pair count");

        // Every pair takes at least 8 bytes, so a count beyond that is a lie that must not size an allocation.
        if (count > (uint)(block.Length - position) / 8)
        {
            throw new SpdyProtocolException($"header block claims {count} pairs but has only {block.Length - position} bytes left");
        }

        var headers = new List<KeyValuePair<string, string>>((int)count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var name = ReadString(block, ref position, "name");
            if (name.Length == 0)
            {
                throw new SpdyProtocolException("header block has an empty header name");
            }

            if (!string.Equals(name, name.ToLowerInvariant(), StringComparison.Ordinal))
            {
                throw new SpdyProtocolException($"header name '{name}' is not lowercase");
            }

            if (!seen.Add(name))
            {
                throw new SpdyProtocolException($"header name '{name}' appears twice in one block");
            }

            var value = ReadString(block, ref position, $"value of '{name}'");
            foreach (var part in value.Split(ValueSeparator))
            {
                headers.Add(new(name, part));
            }
        }

        if (position != block.Length)
        {
            throw new SpdyProtocolException($"header block has {block.Length - position} bytes after its last pair");
        }

        return headers;
    }

    private static void WriteUInt32(MemoryStream buffer, Span<byte> scratch, uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(scratch, value);
        buffer.Write(scratch);
    }

    private static void WriteString(MemoryStream buffer, Span<byte> scratch, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        WriteUInt32(buffer, scratch, (uint)bytes.Length);
        buffer.Write(bytes);
    }

    private static uint ReadUInt32(ReadOnlySpan<byte> block, ref int position, string what)
    {
        if (block.Length - position < 4)
        {
            throw new SpdyProtocolException($"header block truncated in the {what}");
        }

        var value = BinaryPrimitives.ReadUInt32BigEndian(block[position..]);
        position += 4;
        return value;
    }

    private static string ReadString(ReadOnlySpan<byte> block, ref int position, string what)
    {
        var length = ReadUInt32(block, ref position, $"length of the {what}");
        if (length > (uint)(block.Length - position))
        {
            throw new SpdyProtocolException(
                $"header block truncated: the {what} claims {length} bytes but {block.Length - position} remain");
        }

        var value = Encoding.UTF8.GetString(block.Slice(position, (int)length));
        position += (int)length;
        return value;
    }
}
