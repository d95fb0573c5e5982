using System.Security.Cryptography;

namespace FakeCri.Runtime.Internal;

/// <summary>
/// containerd's request cache for streaming URLs: 8-character URL-safe tokens, single use, valid 60 s on the
/// runtime's clock, at most 1000 outstanding. Tokens are random (not seeded): they are credentials, and no
/// response a test compares byte for byte contains one except the URL itself.
/// </summary>
internal sealed class StreamingTokens
{
    public const int Capacity = 1000;
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);

    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (object Request, DateTimeOffset Expires)> _pending = new(StringComparer.Ordinal);
    private readonly TimeProvider _clock;

    public StreamingTokens(TimeProvider clock)
    {
        _clock = clock;
    }

    /// <summary>Stores <paramref name="request"/> under a new token; null when 1000 are outstanding.</summary>
    public string? Issue(object request)
    {
        var now = _clock.GetUtcNow();
        lock (_gate)
        {
            foreach (var expired in _pending.Where(p => p.Value.Expires <= now).Select(p => p.Key).ToList())
            {
                _pending.Remove(expired);
            }

            if (_pending.Count >= Capacity)
            {
                return null;
            }

            string token;
            do
            {
                token = RandomNumberGenerator.GetString(Alphabet, 8);
            }
            while (_pending.ContainsKey(token));

            _pending[token] = (request, now + Lifetime);
            return token;
        }
    }

    /// <summary>Takes the request stored under <paramref name="token"/>: once, and only before it expires.</summary>
    public bool TryRedeem(string token, out object? request)
    {
        lock (_gate)
        {
            if (_pending.Remove(token, out var entry) && entry.Expires > _clock.GetUtcNow())
            {
                request = entry.Request;
                return true;
            }
        }

        request = null;
        return false;
    }

    public void Clear()
    {
        lock (_gate)
        {
            _pending.Clear();
        }
    }
}
