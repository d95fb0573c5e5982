namespace FakeCri.Runtime.Internal;

/// <summary>
/// Produces the 64-hex IDs containerd gives sandboxes and containers (32 random bytes), from a seed, so the same
/// seed and the same calls give the same IDs. Callers hold the runtime lock, which also fixes the draw order.
/// </summary>
internal sealed class SeededIdGenerator
{
    private readonly Random _random;
    private readonly byte[] _buffer = new byte[32];

    public SeededIdGenerator(int seed)
    {
        // Random(int) keeps its seeded sequence stable across .NET versions; crypto strength is not needed.
        _random = new Random(seed);
    }

    public string NextId()
    {
        _random.NextBytes(_buffer);
        return Convert.ToHexStringLower(_buffer);
    }

    public int NextInt(int minValue, int maxValue) => _random.Next(minValue, maxValue);
}
