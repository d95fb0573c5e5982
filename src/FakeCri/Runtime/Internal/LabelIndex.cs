using Google.Protobuf.Collections;

namespace FakeCri.Runtime.Internal;

/// <summary>
/// <c>key=value</c> → the objects carrying that label, for list calls' label selectors: with 100,000 containers a
/// scan of every object's label map takes ~100 ms, the index answers from the smallest matching set. CRI labels
/// are immutable, so the index is kept at create, remove and reset only. Results come in insertion order, which
/// is the runtime's creation order when objects are added here as they are added to the runtime's map.
/// Not thread-safe: the runtime lock guards it.
/// </summary>
internal sealed class LabelIndex<T>
    where T : class
{
    // Most label pairs are carried by one object (a pod's uid, name): it is stored as the value itself; a set is
    // made only for a pair that a second object carries. That keeps the index at ~0.1 KiB per object.
    private readonly Dictionary<(string Key, string Value), object> _holders = [];
    private readonly Dictionary<T, long> _order = new(ReferenceEqualityComparer.Instance);
    private long _next;

    public void Add(T item, IEnumerable<KeyValuePair<string, string>> labels)
    {
        _order.Add(item, _next++);
        foreach (var (key, value) in labels)
        {
            if (!_holders.TryGetValue((key, value), out var holders))
            {
                _holders.Add((key, value), item);
            }
            else if (holders is HashSet<T> set)
            {
                set.Add(item);
            }
            else
            {
                _holders[(key, value)] = new HashSet<T>(ReferenceEqualityComparer.Instance) { (T)holders, item };
            }
        }
    }

    public void Remove(T item, IEnumerable<KeyValuePair<string, string>> labels)
    {
        if (!_order.Remove(item))
        {
            return;
        }

        foreach (var (key, value) in labels)
        {
            if (!_holders.TryGetValue((key, value), out var holders))
            {
                continue;
            }

            if (holders is HashSet<T> set)
            {
                set.Remove(item);
                if (set.Count == 1)
                {
                    _holders[(key, value)] = set.First();
                }
            }
            else if (ReferenceEquals(holders, item))
            {
                _holders.Remove((key, value));
            }
        }
    }

    public void Clear()
    {
        _holders.Clear();
        _order.Clear();
        _next = 0;
    }

    /// <summary>
    /// The objects carrying every label of <paramref name="selector"/>, in insertion order; null for an empty
    /// selector, which selects everything (the caller scans).
    /// </summary>
    public List<T>? Select(MapField<string, string> selector)
    {
        if (selector.Count == 0)
        {
            return null;
        }

        // Walk the smallest set; every other label is a lookup.
        var sets = new object[selector.Count];
        var smallest = 0;
        var i = 0;
        foreach (var (key, value) in selector)
        {
            if (!_holders.TryGetValue((key, value), out var holders))
            {
                return [];
            }

            sets[i] = holders;
            if (Count(holders) < Count(sets[smallest]))
            {
                smallest = i;
            }

            i++;
        }

        var matches = new List<(long Order, T Item)>();
        foreach (var item in Members(sets[smallest]))
        {
            if (HeldByAll(sets, item))
            {
                matches.Add((_order[item], item));
            }
        }

        matches.Sort((a, b) => a.Order.CompareTo(b.Order));
        return matches.ConvertAll(m => m.Item);
    }

    private static int Count(object holders) => holders is HashSet<T> set ? set.Count : 1;

    private static IEnumerable<T> Members(object holders) => holders as HashSet<T> ?? [(T)holders];

    private static bool HeldByAll(object[] sets, T item)
    {
        foreach (var holders in sets)
        {
            if (holders is HashSet<T> set ? !set.Contains(item) : !ReferenceEquals(holders, item))
            {
                return false;
            }
        }

        return true;
    }
}
