namespace FakeCri.Journal.Internal;

/// <summary>
/// The journal's storage: a fixed ring of value slots plus pooled byte chunks for the messages. A kept entry
/// allocates nothing in steady state — no entry object, no byte array, no list node — so thousands of entries
/// that live for thousands of calls give the garbage collector nothing to promote or trace; entries become
/// <see cref="JournalEntry"/> objects only when read. Not thread-safe: <see cref="CallJournal"/> holds its lock.
/// </summary>
internal sealed class JournalRing
{
    // 64 KiB stays below the large-object threshold; a chunk holds dozens of typical CRI messages.
    private const int ChunkSize = 64 * 1024;

    private readonly int _capacity;
    private readonly Stack<Chunk> _freeChunks = new();
    private Slot[] _slots;
    private Chunk? _current;
    private int _oldest;
    private int _count;

    public JournalRing(int capacity)
    {
        _capacity = capacity;

        // Grown on demand up to the capacity: most fakes (one per test) record a few dozen calls.
        _slots = new Slot[Math.Min(capacity, 64)];
    }

    /// <summary>How many entries the ring holds.</summary>
    public int Count => _count;

    /// <summary>Adds an entry with its request's and response's wire bytes, dropping the oldest when full.</summary>
    public void Add(in JournalCall call, ReadOnlySpan<byte> request, ReadOnlySpan<byte> response)
    {
        if (_count == _slots.Length && _count < _capacity)
        {
            var grown = new Slot[Math.Min(_capacity, _slots.Length * 2)];
            for (var i = 0; i < _count; i++)
            {
                grown[i] = _slots[(_oldest + i) % _slots.Length];
            }

            _slots = grown;
            _oldest = 0;
        }

        if (_count == _slots.Length)
        {
            Release(ref _slots[_oldest]);
            _oldest = (_oldest + 1) % _slots.Length;
            _count--;
        }

        var chunk = Reserve(request.Length + response.Length, out var offset);
        request.CopyTo(chunk.Bytes.AsSpan(offset));
        response.CopyTo(chunk.Bytes.AsSpan(offset + request.Length));
        chunk.Live++;
        _slots[(_oldest + _count) % _slots.Length] = new Slot(call, chunk, offset);
        _count++;
    }

    /// <summary>The call of the <paramref name="index"/>-th entry, oldest first.</summary>
    public ref readonly JournalCall CallAt(int index) => ref _slots[(_oldest + index) % _slots.Length].Call;

    /// <summary>
    /// The <paramref name="index"/>-th entry (oldest first) as a journal entry with its own copy of the bytes, made on
    /// the first read and kept: every read sees the same object, as when entries were stored as objects.
    /// </summary>
    public JournalEntry EntryAt(int index)
    {
        ref var slot = ref _slots[(_oldest + index) % _slots.Length];
        return slot.Entry ??= Materialize(slot);
    }

    /// <summary>Forgets every entry and gives its memory back (a cleared journal holds nothing).</summary>
    public void Clear()
    {
        _slots = new Slot[Math.Min(_capacity, 64)];
        _freeChunks.Clear();
        _current = null;
        _oldest = 0;
        _count = 0;
    }

    private static JournalEntry Materialize(in Slot slot)
    {
        var call = slot.Call;
        var bytes = slot.Chunk.Bytes.AsSpan(slot.Offset);
        var request = call.RequestType is null ? null : SerializedMessage.FromBytes(call.RequestType, bytes[..call.RequestLength].ToArray());
        var response = call.ResponseType is null
            ? null
            : SerializedMessage.FromBytes(call.ResponseType, bytes.Slice(call.RequestLength, call.ResponseLength).ToArray());
        return JournalEntry.Serialized(
            call.Sequence, call.Service, call.Method, call.StartedAt, call.Duration, request, response, call.StreamedMessages, call.Code,
            call.Detail, call.Fault);
    }

    private Chunk Reserve(int length, out int offset)
    {
        if (length > ChunkSize)
        {
            // A huge response (a list of thousands of containers) gets a chunk of its own, dropped with the entry.
            offset = 0;
            return new Chunk(new byte[length]) { Used = length };
        }

        if (_current is null || _current.Bytes.Length - _current.Used < length)
        {
            if (_current is { Live: 0 })
            {
                _current.Used = 0;
            }
            else
            {
                _current = _freeChunks.Count > 0 ? _freeChunks.Pop() : new Chunk(new byte[ChunkSize]);
            }
        }

        offset = _current.Used;
        _current.Used += length;
        return _current;
    }

    private void Release(ref Slot slot)
    {
        var chunk = slot.Chunk;
        slot = default;
        if (--chunk.Live == 0 && chunk != _current && chunk.Bytes.Length == ChunkSize)
        {
            chunk.Used = 0;
            _freeChunks.Push(chunk);
        }
    }

    private struct Slot(JournalCall call, Chunk chunk, int offset)
    {
        public readonly JournalCall Call = call;
        public readonly Chunk Chunk = chunk;
        public readonly int Offset = offset;

        // The entry object, once someone read it.
        public JournalEntry? Entry;
    }

    private sealed class Chunk(byte[] bytes)
    {
        public byte[] Bytes { get; } = bytes;

        public int Used { get; set; }

        public int Live { get; set; }
    }
}
