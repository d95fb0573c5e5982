using System.Buffers;
using Grpc.Core;

namespace FakeCri.Hosting.Internal;

/// <summary>
/// Serialises and deserialises through a marshaller's contextual functions, as the HTTP/2 transport does:
/// generated protobuf marshallers only implement those.
/// </summary>
internal static class DirectMarshalling
{
    public static byte[] Serialize<T>(Marshaller<T> marshaller, T message)
    {
        var context = new BufferSerializationContext();
        marshaller.ContextualSerializer(message, context);
        return context.Payload ?? throw new InvalidOperationException("the marshaller did not complete the message");
    }

    public static T Deserialize<T>(Marshaller<T> marshaller, byte[] payload) =>
        marshaller.ContextualDeserializer(new BufferDeserializationContext(payload));

    private sealed class BufferSerializationContext : SerializationContext
    {
        private ArrayBufferWriter<byte>? _writer;

        public byte[]? Payload { get; private set; }

        public override void Complete(byte[] payload) => Payload = payload;

        public override IBufferWriter<byte> GetBufferWriter() => _writer ??= new ArrayBufferWriter<byte>();

        public override void SetPayloadLength(int payloadLength)
        {
            // The buffer grows as needed; the length only sizes a transport's frame.
        }

        public override void Complete() => Payload = _writer?.WrittenSpan.ToArray() ?? [];
    }

    private sealed class BufferDeserializationContext : DeserializationContext
    {
        private readonly byte[] _payload;

        public BufferDeserializationContext(byte[] payload)
        {
            _payload = payload;
        }

        public override int PayloadLength => _payload.Length;

        public override byte[] PayloadAsNewBuffer() => (byte[])_payload.Clone();

        public override ReadOnlySequence<byte> PayloadAsReadOnlySequence() => new(_payload);
    }
}
