namespace FakeCri.Runtime.Internal;

/// <summary>
/// containerd's "truncindex": every ID argument may be any unique prefix of a full ID. Exact IDs resolve in O(1);
/// prefixes through a sorted set in O(log n). Not thread-safe: the runtime lock guards it.
/// </summary>
internal sealed class PrefixIndex
{
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _sorted = new(StringComparer.Ordinal);

    public int Count => _ids.Count;

    public void Add(string id)
    {
        if (_ids.Add(id))
        {
            _sorted.Add(id);
        }
    }

    public void Remove(string id)
    {
        if (_ids.Remove(id))
        {
            _sorted.Remove(id);
        }
    }

    public void Clear()
    {
        _ids.Clear();
        _sorted.Clear();
    }

    /// <summary>Resolves <paramref name="prefix"/> to the one full ID it names.</summary>
    public PrefixMatch Resolve(string prefix)
    {
        if (prefix.Length == 0)
        {
            return new PrefixMatch(PrefixOutcome.Empty, null);
        }

        if (_ids.Contains(prefix))
        {
            return new PrefixMatch(PrefixOutcome.Found, prefix);
        }

        string? match = null;
        foreach (var candidate in _sorted.GetViewBetween(prefix, prefix + char.MaxValue))
        {
            if (!candidate.StartsWith(prefix, StringComparison.Ordinal))
            {
                break;
            }

            if (match is not null)
            {
                return new PrefixMatch(PrefixOutcome.Ambiguous, null);
            }

            match = candidate;
        }

        return match is null ? new PrefixMatch(PrefixOutcome.NotFound, null) : new PrefixMatch(PrefixOutcome.Found, match);
    }
}

internal enum PrefixOutcome
{
    Found,
    NotFound,
    Empty,
    Ambiguous,
}

internal readonly record struct PrefixMatch(PrefixOutcome Outcome, string? Id);
