namespace FakeCri.Runtime.Internal;

/// <summary>
/// containerd's name registrar: a metadata-derived name is held by one object ID from create until remove, so a
/// second create with the same metadata (same attempt) fails while the first object exists.
/// </summary>
internal sealed class NameRegistry
{
    private readonly Dictionary<string, string> _holders = new(StringComparer.Ordinal);

    public int Count => _holders.Count;

    /// <summary>Reserves <paramref name="name"/> for <paramref name="id"/>; returns the current holder if taken.</summary>
    public bool TryReserve(string name, string id, out string holder)
    {
        if (_holders.TryGetValue(name, out var existing))
        {
            holder = existing;
            return existing == id;
        }

        _holders.Add(name, id);
        holder = id;
        return true;
    }

    public void Release(string name) => _holders.Remove(name);

    /// <summary>Releases <paramref name="name"/> if <paramref name="id"/> still holds it (not after a reset gave it to another).</summary>
    public void Release(string name, string id)
    {
        if (_holders.TryGetValue(name, out var holder) && holder == id)
        {
            _holders.Remove(name);
        }
    }

    public void Clear() => _holders.Clear();

    public IReadOnlyDictionary<string, string> Snapshot() => new Dictionary<string, string>(_holders, StringComparer.Ordinal);
}
