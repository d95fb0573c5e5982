using FakeCri.Cri.V1;
using Google.Protobuf;

namespace FakeCri.Runtime.Internal;

/// <summary>
/// The container events published while nobody listens, kept serialised back to back in one reused byte array
/// (up to <see cref="Capacity"/> events, each for at most a given age) and parsed when a subscriber takes them.
/// A kept event costs the garbage collector nothing: no object per event is allocated, promoted or traced — a
/// backlog of message graphs (each event carries its sandbox's and containers' statuses) made every pod lifecycle
/// pay for gen-1 and gen-2 collections. Not thread-safe: the event hub's lock guards it.
/// </summary>
internal sealed class EventBacklog
{
    private const int InitialBytes = 16 * 1024;

    private readonly Queue<(DateTimeOffset At, int Offset, int Length)> _events = new();
    private readonly TimeSpan _maxAge;
    private byte[] _bytes = new byte[InitialBytes];
    private int _end;

    public EventBacklog(int capacity, TimeSpan maxAge)
    {
        Capacity = capacity;
        _maxAge = maxAge;
    }

    public int Capacity { get; }

    public int Count => _events.Count;

    /// <summary>Keeps <paramref name="evt"/> as its bytes, dropping the oldest events beyond the capacity or age.</summary>
    public void Add(DateTimeOffset now, ContainerEventResponse evt)
    {
        while (_events.Count > 0 && (_events.Count >= Capacity || now - _events.Peek().At > _maxAge))
        {
            _events.Dequeue();
        }

        var length = evt.CalculateSize();
        Reserve(length);
        evt.WriteTo(_bytes.AsSpan(_end, length));
        _events.Enqueue((now, _end, length));
        _end += length;
    }

    /// <summary>Parses and removes every kept event not older than the age limit, oldest first.</summary>
    public List<ContainerEventResponse> Drain(DateTimeOffset now)
    {
        var drained = new List<ContainerEventResponse>(_events.Count);
        foreach (var (at, offset, length) in _events)
        {
            if (now - at <= _maxAge)
            {
                drained.Add(ContainerEventResponse.Parser.ParseFrom(_bytes, offset, length));
            }
        }

        _events.Clear();
        _end = 0;
        if (_bytes.Length > InitialBytes)
        {
            _bytes = new byte[InitialBytes]; // a burst of large events should not hold memory for good
        }

        return drained;
    }

    /// <summary>Room for <paramref name="length"/> more bytes at the end: slide the kept events to the front, grow if still short.</summary>
    private void Reserve(int length)
    {
        if (_end + length <= _bytes.Length)
        {
            return;
        }

        var start = _events.Count > 0 ? _events.Peek().Offset : _end;
        var kept = _end - start;
        var target = kept + length <= _bytes.Length / 2 ? _bytes : new byte[Math.Max(_bytes.Length * 2, (kept + length) * 2)];
        Buffer.BlockCopy(_bytes, start, target, 0, kept);
        _bytes = target;
        _end = kept;
        var count = _events.Count;
        for (var i = 0; i < count; i++)
        {
            var (at, offset, size) = _events.Dequeue();
            _events.Enqueue((at, offset - start, size));
        }
    }
}
