using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace FakeCri.Runtime.Internal;

/// <summary>
/// A read-only string map in its original order, kept as one array of pairs: for the label and annotation maps of
/// stored configs, which are read often and never change. A protobuf <c>MapField</c> holds a dictionary and a
/// linked list for the same pairs, ~600 bytes for four labels against ~110 here. Small maps are searched in
/// order; larger ones get a dictionary of positions. Implements <see cref="IDictionary{TKey,TValue}"/> (read-only)
/// so that a response's map can be filled from it with <c>Labels = { map }</c>.
/// </summary>
internal sealed class CompactStringMap : IDictionary<string, string>, IReadOnlyDictionary<string, string>
{
    /// <summary>Up to this many pairs, lookups compare in order; beyond, they go through a dictionary.</summary>
    public const int ScanLimit = 16;

    private readonly KeyValuePair<string, string>[] _pairs;
    private readonly Dictionary<string, int>? _positions;

    /// <summary>A copy of <paramref name="pairs"/> (distinct keys), in their order.</summary>
    public CompactStringMap(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        _pairs = pairs.ToArray();
        if (_pairs.Length > ScanLimit)
        {
            _positions = new Dictionary<string, int>(_pairs.Length, StringComparer.Ordinal);
            for (var i = 0; i < _pairs.Length; i++)
            {
                _positions.Add(_pairs[i].Key, i);
            }
        }
    }

    public int Count => _pairs.Length;

    public bool IsReadOnly => true;

    public ICollection<string> Keys => Array.ConvertAll(_pairs, p => p.Key);

    public ICollection<string> Values => Array.ConvertAll(_pairs, p => p.Value);

    IEnumerable<string> IReadOnlyDictionary<string, string>.Keys => Keys;

    IEnumerable<string> IReadOnlyDictionary<string, string>.Values => Values;

    public string this[string key]
    {
        get => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The key '{key}' was not present.");
        set => throw ReadOnly();
    }

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        var index = IndexOf(key);
        value = index >= 0 ? _pairs[index].Value : null;
        return index >= 0;
    }

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public bool Contains(KeyValuePair<string, string> item) => TryGetValue(item.Key, out var value) && value == item.Value;

    public void CopyTo(KeyValuePair<string, string>[] array, int arrayIndex) => _pairs.CopyTo(array, arrayIndex);

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, string>>)_pairs).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void Add(string key, string value) => throw ReadOnly();

    public void Add(KeyValuePair<string, string> item) => throw ReadOnly();

    public bool Remove(string key) => throw ReadOnly();

    public bool Remove(KeyValuePair<string, string> item) => throw ReadOnly();

    public void Clear() => throw ReadOnly();

    private int IndexOf(string key)
    {
        if (_positions is not null)
        {
            return _positions.TryGetValue(key, out var position) ? position : -1;
        }

        for (var i = 0; i < _pairs.Length; i++)
        {
            if (string.Equals(_pairs[i].Key, key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private static NotSupportedException ReadOnly() => new("A stored config's map does not change.");
}
