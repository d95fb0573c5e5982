using System.Globalization;

namespace FakeCri.Benchmarks.Measurements;

/// <summary>The <c>--name value</c> options of the custom measurements.</summary>
public sealed class MeasurementArgs
{
    private readonly string[] _args;

    public MeasurementArgs(string[] args)
    {
        _args = args;
    }

    public int Int(string name, int fallback) =>
        Text(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    public string? Text(string name)
    {
        var at = Array.IndexOf(_args, name);
        return at >= 0 && at + 1 < _args.Length ? _args[at + 1] : null;
    }
}
