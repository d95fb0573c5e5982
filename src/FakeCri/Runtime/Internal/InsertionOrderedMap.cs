using System.Diagnostics.CodeAnalysis;

namespace FakeCri.Runtime.Internal;

/// <summary>
/// ID → object with O(1) add, lookup and remove, enumerated in creation order so lists come out stable.
/// Not thread-safe: the runtime lock guards it.
/// </summary>
internal sealed class InsertionOrderedMap<T>
    where T : class
{
    private readonly Dictionary<string, LinkedListNode<T>> _byId = new(StringComparer.Ordinal);
    private readonly LinkedList<T> _order = new();

    public int Count => _byId.Count;

    public void Add(string id, T value) => _byId.Add(id, _order.AddLast(value));

    public bool TryGet(string id, [NotNullWhen(true)] out T? value)
    {
        if (_byId.TryGetValue(id, out var node))
        {
            value = node.Value;
            return true;
        }

        value = null;
        return false;
    }

    public bool Remove(string id)
    {
        if (!_byId.Remove(id, out var node))
        {
            return false;
        }

        _order.Remove(node);
        return true;
    }

    public void Clear()
    {
        _byId.Clear();
        _order.Clear();
    }

    public LinkedList<T>.Enumerator GetEnumerator() => _order.GetEnumerator();
}
