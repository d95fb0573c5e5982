using System.Text;

namespace FakeCri.Hosting.Internal;

/// <summary>
/// One decoded header field: name and value as the octets on the wire (HPACK does not define a text encoding).
/// The arrays are shared with the decoder's tables and must not be modified.
/// </summary>
internal readonly struct HpackHeaderField
{
    /// <summary>What RFC 7541 section 4.1 adds to name and value lengths when sizing a table entry.</summary>
    public const int EntryOverhead = 32;

    /// <summary>Creates a field.</summary>
    /// <param name="name">The name octets.</param>
    /// <param name="value">The value octets.</param>
    /// <param name="neverIndexed">
    /// Whether the sender marked it "never indexed" (section 6.2.3); a re-encoder must keep that mark.
    /// </param>
    public HpackHeaderField(byte[] name, byte[] value, bool neverIndexed = false)
    {
        Name = name;
        Value = value;
        NeverIndexed = neverIndexed;
    }

    /// <summary>The name octets.</summary>
    public byte[] Name { get; }

    /// <summary>The value octets.</summary>
    public byte[] Value { get; }

    /// <summary>True when the sender asked that no intermediary ever index this field.</summary>
    public bool NeverIndexed { get; }

    /// <summary>The field's size in a dynamic table (section 4.1).</summary>
    public int Size => Name.Length + Value.Length + EntryOverhead;

    /// <summary>The same name and flag with another value.</summary>
    public HpackHeaderField WithValue(byte[] value) => new(Name, value, NeverIndexed);

    /// <summary>A field from ASCII text, for the static table and tests.</summary>
    public static HpackHeaderField FromText(string name, string value) =>
        new(Encoding.ASCII.GetBytes(name), Encoding.ASCII.GetBytes(value));

    /// <summary><c>name: value</c>, bytes read as Latin-1 so every octet shows.</summary>
    public override string ToString() => $"{Encoding.Latin1.GetString(Name)}: {Encoding.Latin1.GetString(Value)}";
}
