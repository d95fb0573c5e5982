using System.Text;

namespace FakeCri.Tests.Contract;

/// <summary>
/// A readable difference between the expected wire contract and the compiled one: each record only one side
/// has, with its line number, so a drifted field number shows as one "-" and one "+" line next to each other.
/// </summary>
internal static class ContractDiff
{
    public static string Describe(IReadOnlyList<string> expected, IReadOnlyList<string> actual)
    {
        var actualSet = actual.ToHashSet(StringComparer.Ordinal);
        var expectedSet = expected.ToHashSet(StringComparer.Ordinal);
        var report = new StringBuilder();
        var missing = expected.Select((line, index) => (line, index)).Where(x => !actualSet.Contains(x.line)).ToList();
        var extra = actual.Select((line, index) => (line, index)).Where(x => !expectedSet.Contains(x.line)).ToList();
        foreach (var (line, index) in missing)
        {
            report.Append("- expected line ").Append(index + 1).Append(": ").AppendLine(Show(line));
        }

        foreach (var (line, index) in extra)
        {
            report.Append("+ compiled line ").Append(index + 1).Append(": ").AppendLine(Show(line));
        }

        if (report.Length == 0 && !expected.SequenceEqual(actual, StringComparer.Ordinal))
        {
            var first = expected.Zip(actual).Select((pair, index) => (pair, index))
                .FirstOrDefault(x => x.pair.First != x.pair.Second);
            report.Append("same records, different order or count; first difference at line ")
                .Append(first.index + 1).Append(": expected ").Append(Show(first.pair.First ?? "(end)"))
                .Append(", compiled ").AppendLine(Show(first.pair.Second ?? "(end)"));
        }

        return report.ToString();
    }

    private static string Show(string line) => line.Replace('\t', ' ');
}
