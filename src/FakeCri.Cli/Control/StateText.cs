using System.Globalization;
using System.Text;
using FakeCri.Control.V1;
using Google.Protobuf.WellKnownTypes;

namespace FakeCri.Cli.Control;

/// <summary>Human-readable renderings of control API answers, crictl-style: short IDs, aligned columns.</summary>
internal static class StateText
{
    public static string Render(GetStateResponse state)
    {
        var text = new StringBuilder();
        Table(text, "POD ID", ["NAME", "NAMESPACE", "STATE", "IP", "CONTAINERS"], state.Sandboxes.Select(s =>
            new[] { Short(s.Id), s.Name, s.Namespace, s.State, s.Ip, s.ContainerIds.Count.ToString(CultureInfo.InvariantCulture) }));
        text.Append('\n');
        Table(text, "CONTAINER ID", ["NAME", "POD ID", "STATE", "EXIT", "REASON", "IMAGE"], state.Containers.Select(c =>
            new[] { Short(c.Id), c.Name, Short(c.PodSandboxId), c.State, c.State == "EXITED" ? c.ExitCode.ToString(CultureInfo.InvariantCulture) : string.Empty, c.Reason, c.Image }));
        text.Append('\n');
        Table(text, "IMAGE ID", ["TAGS", "SIZE"], state.Images.Select(i =>
            new[] { Short(i.Id.Replace("sha256:", string.Empty, StringComparison.Ordinal)), string.Join(",", i.RepoTags), i.Size.ToString(CultureInfo.InvariantCulture) }));
        return text.ToString();
    }

    public static string Render(JournalEntry entry)
    {
        var line = $"#{entry.Sequence} {Format(entry.StartedAt)} {entry.Method} {entry.CodeName}";
        if (entry.Detail.Length > 0)
        {
            line += $" \"{entry.Detail}\"";
        }

        return entry.Fault.Length > 0 ? $"{line} [fault: {entry.Fault}]" : line;
    }

    public static string Render(GetClockResponse clock) =>
        $"now {Format(clock.Now)} ({(clock.Virtual ? "virtual" : "real")}); next timer {(clock.NextTimerDue is null ? "none" : Format(clock.NextTimerDue))}";

    private static void Table(StringBuilder text, string first, string[] headers, IEnumerable<string[]> rows)
    {
        string[][] all = [[first, .. headers], .. rows];
        var widths = Enumerable.Range(0, all[0].Length).Select(i => all.Max(r => r[i].Length)).ToArray();
        foreach (var row in all)
        {
            text.AppendJoin("   ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))).Append('\n');
        }
    }

    private static string Short(string id) => id.Length > 13 ? id[..13] : id;

    /// <summary>A timestamp as FakeCri prints them everywhere: UTC, 100 ns precision.</summary>
    public static string Format(Timestamp timestamp) =>
        timestamp.ToDateTimeOffset().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}
