namespace FakeCri.Hosting.Internal;

/// <summary>
/// An HPACK decoder (RFC 7541) for one HTTP/2 connection's client-to-server header blocks: static table, a dynamic
/// table that mirrors the client encoder's, integers, plain and Huffman string literals.
/// </summary>
/// <remarks>
/// A failed <see cref="TryDecode"/> leaves the dynamic table in whatever state the block had reached; the caller
/// stops decoding that connection, as a peer must after an HPACK decoding error.
/// </remarks>
internal sealed class HpackDecoder
{
    private static readonly HpackHeaderField[] StaticTable =
    [
        HpackHeaderField.FromText(":authority", ""),
        HpackHeaderField.FromText(":method", "GET"),
        HpackHeaderField.FromText(":method", "POST"),
        HpackHeaderField.FromText(":path", "/"),
        HpackHeaderField.FromText(":path", "/index.html"),
        HpackHeaderField.FromText(":scheme", "http"),
        HpackHeaderField.FromText(":scheme", "https"),
        HpackHeaderField.FromText(":status", "200"),
        HpackHeaderField.FromText(":status", "204"),
        HpackHeaderField.FromText(":status", "206"),
        HpackHeaderField.FromText(":status", "304"),
        HpackHeaderField.FromText(":status", "400"),
        HpackHeaderField.FromText(":status", "404"),
        HpackHeaderField.FromText(":status", "500"),
        HpackHeaderField.FromText("accept-charset", ""),
        HpackHeaderField.FromText("accept-encoding", "gzip, deflate"),
        HpackHeaderField.FromText("accept-language", ""),
        HpackHeaderField.FromText("accept-ranges", ""),
        HpackHeaderField.FromText("accept", ""),
        HpackHeaderField.FromText("access-control-allow-origin", ""),
        HpackHeaderField.FromText("age", ""),
        HpackHeaderField.FromText("allow", ""),
        HpackHeaderField.FromText("authorization", ""),
        HpackHeaderField.FromText("cache-control", ""),
        HpackHeaderField.FromText("content-disposition", ""),
        HpackHeaderField.FromText("content-encoding", ""),
        HpackHeaderField.FromText("content-language", ""),
        HpackHeaderField.FromText("content-length", ""),
        HpackHeaderField.FromText("content-location", ""),
        HpackHeaderField.FromText("content-range", ""),
        HpackHeaderField.FromText("content-type", ""),
        HpackHeaderField.FromText("cookie", ""),
        HpackHeaderField.FromText("date", ""),
        HpackHeaderField.FromText("etag", ""),
        HpackHeaderField.FromText("expect", ""),
        HpackHeaderField.FromText("expires", ""),
        HpackHeaderField.FromText("from", ""),
        HpackHeaderField.FromText("host", ""),
        HpackHeaderField.FromText("if-match", ""),
        HpackHeaderField.FromText("if-modified-since", ""),
        HpackHeaderField.FromText("if-none-match", ""),
        HpackHeaderField.FromText("if-range", ""),
        HpackHeaderField.FromText("if-unmodified-since", ""),
        HpackHeaderField.FromText("last-modified", ""),
        HpackHeaderField.FromText("link", ""),
        HpackHeaderField.FromText("location", ""),
        HpackHeaderField.FromText("max-forwards", ""),
        HpackHeaderField.FromText("proxy-authenticate", ""),
        HpackHeaderField.FromText("proxy-authorization", ""),
        HpackHeaderField.FromText("range", ""),
        HpackHeaderField.FromText("referer", ""),
        HpackHeaderField.FromText("refresh", ""),
        HpackHeaderField.FromText("retry-after", ""),
        HpackHeaderField.FromText("server", ""),
        HpackHeaderField.FromText("set-cookie", ""),
        HpackHeaderField.FromText("strict-transport-security", ""),
        HpackHeaderField.FromText("transfer-encoding", ""),
        HpackHeaderField.FromText("user-agent", ""),
        HpackHeaderField.FromText("vary", ""),
        HpackHeaderField.FromText("via", ""),
        HpackHeaderField.FromText("www-authenticate", ""),
    ];

    private readonly int _maxTableSizeLimit;
    private readonly int _maxHeaderListBytes;
    private readonly HpackHeaderField[] _entries; // ring buffer, newest at _newest
    private int _newest = -1;
    private byte[] _scratch = []; // Huffman output, reused: only the exact-length copy escapes

    /// <summary>Creates a decoder whose dynamic table starts at <paramref name="maxTableSizeLimit"/> octets.</summary>
    /// <param name="maxTableSizeLimit">
    /// The SETTINGS_HEADER_TABLE_SIZE the server advertises: the initial table size and the most a dynamic table size
    /// update may ask for.
    /// </param>
    /// <param name="maxHeaderListBytes">
    /// The most name and value octets one block may decode to; more fails the block, which bounds what a few
    /// bytes of indexed references can expand to.
    /// </param>
    public HpackDecoder(int maxTableSizeLimit = 4096, int maxHeaderListBytes = 64 * 1024)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxTableSizeLimit);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxHeaderListBytes);
        _maxTableSizeLimit = maxTableSizeLimit;
        _maxHeaderListBytes = maxHeaderListBytes;
        MaxDynamicTableSize = maxTableSizeLimit;

        // Every entry costs at least 32 octets, which caps how many can ever be held.
        _entries = new HpackHeaderField[Math.Max(1, maxTableSizeLimit / HpackHeaderField.EntryOverhead)];
    }

    /// <summary>The dynamic table's current size in RFC 7541 octets (lengths plus 32 per entry).</summary>
    public int DynamicTableSize { get; private set; }

    /// <summary>How many entries the dynamic table holds.</summary>
    public int DynamicTableCount { get; private set; }

    /// <summary>The dynamic table's current maximum size, as the last size update set it.</summary>
    public int MaxDynamicTableSize { get; private set; }

    /// <summary>
    /// Decodes one complete header block, appending its fields to <paramref name="headers"/> in order and updating
    /// the dynamic table. False on any decoding error.
    /// </summary>
    public bool TryDecode(ReadOnlySpan<byte> block, List<HpackHeaderField> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var position = 0;
        var seenField = false;
        var listBytes = 0;
        while (position < block.Length)
        {
            var first = block[position];
            HpackHeaderField field;
            if ((first & 0x80) != 0)
            {
                // Indexed header field (section 6.1).
                if (!TryReadInteger(block, ref position, 7, out var index) || !TryGetEntry(index, out field))
                {
                    return false;
                }
            }
            else if ((first & 0x40) != 0)
            {
                // Literal with incremental indexing (section 6.2.1).
                if (!TryReadLiteral(block, ref position, 6, neverIndexed: false, out field))
                {
                    return false;
                }

                Add(field);
            }
            else if ((first & 0x20) != 0)
            {
                // Dynamic table size update (section 6.3): only before the block's first field (section 4.2).
                if (seenField || !TryReadInteger(block, ref position, 5, out var size) || size > _maxTableSizeLimit)
                {
                    return false;
                }

                MaxDynamicTableSize = size;
                Evict(0);
                continue;
            }
            else
            {
                // Literal without indexing (0000xxxx) or never indexed (0001xxxx), sections 6.2.2 and 6.2.3.
                if (!TryReadLiteral(block, ref position, 4, neverIndexed: (first & 0x10) != 0, out field))
                {
                    return false;
                }
            }

            seenField = true;
            listBytes += field.Name.Length + field.Value.Length;
            if (listBytes > _maxHeaderListBytes)
            {
                return false;
            }

            headers.Add(field);
        }

        return true;
    }

    private static bool TryReadInteger(ReadOnlySpan<byte> block, ref int position, int prefixBits, out int value)
    {
        // Section 5.1: the prefix holds small values; a full prefix is followed by 7-bit groups, least first.
        var mask = (1 << prefixBits) - 1;
        value = block[position++] & mask;
        if (value < mask)
        {
            return true;
        }

        long total = value;
        for (var shift = 0; position < block.Length; shift += 7)
        {
            var octet = block[position++];
            total += (long)(octet & 0x7F) << shift;
            if (total > int.MaxValue || shift > 28)
            {
                return false;
            }

            if ((octet & 0x80) == 0)
            {
                value = (int)total;
                return true;
            }
        }

        return false;
    }

    private bool TryReadLiteral(
        ReadOnlySpan<byte> block, ref int position, int prefixBits, bool neverIndexed, out HpackHeaderField field)
    {
        field = default;
        if (!TryReadInteger(block, ref position, prefixBits, out var nameIndex))
        {
            return false;
        }

        byte[] name;
        if (nameIndex == 0)
        {
            if (!TryReadString(block, ref position, out name))
            {
                return false;
            }
        }
        else if (TryGetEntry(nameIndex, out var named))
        {
            name = named.Name;
        }
        else
        {
            return false;
        }

        if (!TryReadString(block, ref position, out var value))
        {
            return false;
        }

        field = new HpackHeaderField(name, value, neverIndexed);
        return true;
    }

    private bool TryReadString(ReadOnlySpan<byte> block, ref int position, out byte[] value)
    {
        // Section 5.2: H bit, 7-bit prefix length, then the octets.
        value = [];
        if (position >= block.Length)
        {
            return false;
        }

        var huffman = (block[position] & 0x80) != 0;
        if (!TryReadInteger(block, ref position, 7, out var length) || length > block.Length - position)
        {
            return false;
        }

        var encoded = block.Slice(position, length);
        position += length;
        if (!huffman)
        {
            value = encoded.ToArray();
            return true;
        }

        var decodedLimit = HpackHuffman.MaxDecodedLength(length);
        if (_scratch.Length < decodedLimit)
        {
            _scratch = new byte[Math.Max(decodedLimit, 256)];
        }

        if (!HpackHuffman.TryDecode(encoded, _scratch.AsSpan(0, decodedLimit), out var written))
        {
            return false;
        }

        value = _scratch.AsSpan(0, written).ToArray();
        return true;
    }

    private bool TryGetEntry(int index, out HpackHeaderField field)
    {
        // Index 1–61 is the static table; 62 on is the dynamic table, newest first (section 2.3.3).
        field = default;
        if (index <= 0)
        {
            return false;
        }

        if (index <= StaticTable.Length)
        {
            field = StaticTable[index - 1];
            return true;
        }

        var age = index - StaticTable.Length - 1;
        if (age >= DynamicTableCount)
        {
            return false;
        }

        field = _entries[(_newest - age + _entries.Length) % _entries.Length];
        return true;
    }

    private void Add(HpackHeaderField field)
    {
        // Section 4.4: evict oldest entries until the new one fits; one larger than the whole table empties it.
        if (field.Size > MaxDynamicTableSize)
        {
            Evict(MaxDynamicTableSize);
            return;
        }

        Evict(field.Size);
        _newest = (_newest + 1) % _entries.Length;
        _entries[_newest] = field;
        DynamicTableCount++;
        DynamicTableSize += field.Size;
    }

    private void Evict(int room)
    {
        while (DynamicTableCount > 0 && DynamicTableSize + room > MaxDynamicTableSize)
        {
            var oldest = (_newest - DynamicTableCount + 1 + _entries.Length) % _entries.Length;
            DynamicTableSize -= _entries[oldest].Size;
            _entries[oldest] = default;
            DynamicTableCount--;
        }
    }
}
