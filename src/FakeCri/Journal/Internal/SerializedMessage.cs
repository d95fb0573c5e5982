using System.Collections.Concurrent;
using System.Reflection;
using Google.Protobuf;

namespace FakeCri.Journal.Internal;

/// <summary>
/// A protobuf message kept as its wire bytes and parsed on first read. The journal holds thousands of entries for
/// a long time: one byte array each is nothing for the garbage collector to trace, where a message graph (a
/// container config: dozens of objects) is promoted and scanned by every gen-1 and gen-2 collection. Most entries
/// are never read.
/// </summary>
internal sealed class SerializedMessage : IEquatable<SerializedMessage>
{
    private static readonly ConcurrentDictionary<Type, MessageParser> Parsers = new();

    private readonly byte[] _bytes;
    private readonly MessageParser _parser;
    private IMessage? _parsed;

    private SerializedMessage(IMessage message)
    {
        _bytes = message.ToByteArray();
        _parser = ParserOf(message.GetType());
        ClrType = message.GetType();
    }

    private SerializedMessage(Type type, byte[] bytes)
    {
        _bytes = bytes;
        _parser = ParserOf(type);
        ClrType = type;
    }

    /// <summary>The message's type, known without parsing.</summary>
    public Type ClrType { get; }

    /// <summary>
    /// The message, parsed on first read; every later read returns that same object (as a kept message would).
    /// </summary>
    public IMessage Message
    {
        get
        {
            if (Volatile.Read(ref _parsed) is { } parsed)
            {
                return parsed;
            }

            var fresh = _parser.ParseFrom(_bytes);
            return Interlocked.CompareExchange(ref _parsed, fresh, null) ?? fresh;
        }
    }

    /// <summary>A snapshot of <paramref name="message"/>'s bytes, or null for none.</summary>
    public static SerializedMessage? Of(IMessage? message) => message is null ? null : new SerializedMessage(message);

    /// <summary>A message of <paramref name="type"/> whose wire bytes are <paramref name="bytes"/> (not copied).</summary>
    public static SerializedMessage FromBytes(Type type, byte[] bytes) => new(type, bytes);

    /// <summary>Value equality of the messages, as the journal entry's record equality compared them before.</summary>
    public bool Equals(SerializedMessage? other) =>
        other is not null && (ReferenceEquals(this, other) || (ClrType == other.ClrType && Message.Equals(other.Message)));

    public override bool Equals(object? obj) => Equals(obj as SerializedMessage);

    public override int GetHashCode() => Message.GetHashCode();

    // The generated static Parser property, found once per type. Not the message's descriptor: reading one builds
    // the reflection descriptors of the whole proto file, which a served fake's first call should not pay for.
    private static MessageParser ParserOf(Type type) => Parsers.GetOrAdd(type, static t =>
        (MessageParser)(t.GetProperty("Parser", BindingFlags.Public | BindingFlags.Static)?.GetValue(null)
            ?? throw new ArgumentException($"{t} is not a generated protobuf message", nameof(type))));
}
