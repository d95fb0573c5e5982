using System.Text;

namespace FakeCri.Tests.PublicApi;

/// <summary>A unified diff (longest common subsequence of lines, three lines of context) for readable test failures.</summary>
public static class LineDiff
{
    private const int Context = 3;

    /// <summary>The unified diff from <paramref name="before"/> to <paramref name="after"/>; empty when they are equal.</summary>
    public static string Unified(string before, string after, string beforeName, string afterName)
    {
        var a = SplitLines(before);
        var b = SplitLines(after);
        var edits = Edits(a, b);
        if (edits.All(e => e.Kind == ' '))
        {
            return "";
        }

        var (added, removed) = (edits.Count(e => e.Kind == '+'), edits.Count(e => e.Kind == '-'));
        var text = new StringBuilder($"{added} line(s) added, {removed} removed\n--- {beforeName}\n+++ {afterName}\n");
        var index = 0;
        while (index < edits.Count)
        {
            var firstChange = edits.FindIndex(index, e => e.Kind != ' ');
            if (firstChange < 0)
            {
                break;
            }

            // A hunk runs until more than 2 * Context unchanged lines separate two changes.
            var start = Math.Max(index, firstChange - Context);
            var end = firstChange;
            for (var i = firstChange; i < edits.Count && i - end <= 2 * Context; i++)
            {
                if (edits[i].Kind != ' ')
                {
                    end = i;
                }
            }

            var stop = Math.Min(edits.Count, end + Context + 1);
            var hunk = edits.GetRange(start, stop - start);
            text.Append($"@@ -{hunk[0].BeforeLine + 1},{hunk.Count(e => e.Kind != '+')} +{hunk[0].AfterLine + 1},{hunk.Count(e => e.Kind != '-')} @@")
                .Append(Heading(edits, start)).Append('\n');
            foreach (var edit in hunk)
            {
                text.Append(edit.Kind).Append(edit.Line).Append('\n');
            }

            index = stop;
        }

        return text.ToString();
    }

    /// <summary>Like git's function context: the nearest unindented line (a type) at or above the hunk.</summary>
    private static string Heading(List<Edit> edits, int start)
    {
        for (var i = start; i >= 0; i--)
        {
            if (edits[i].Kind != '+' && edits[i].Line.Length > 0 && !char.IsWhiteSpace(edits[i].Line[0]))
            {
                return " " + edits[i].Line;
            }
        }

        return "";
    }

    private static string[] SplitLines(string text) =>
        text.Length == 0 ? [] : text.TrimEnd('\n').Split('\n');

    private static List<Edit> Edits(string[] a, string[] b)
    {
        // lcs[i, j]: length of the longest common subsequence of a[i..] and b[j..].
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        var edits = new List<Edit>();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                edits.Add(new Edit(' ', a[x], x++, y++));
            }
            else if (x < a.Length && (y == b.Length || lcs[x + 1, y] >= lcs[x, y + 1]))
            {
                edits.Add(new Edit('-', a[x], x++, y));
            }
            else
            {
                edits.Add(new Edit('+', b[y], x, y++));
            }
        }

        return edits;
    }

    private readonly record struct Edit(char Kind, string Line, int BeforeLine, int AfterLine);
}
