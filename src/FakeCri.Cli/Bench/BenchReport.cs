using System.Globalization;
using System.Text;
using System.Text.Json;

namespace FakeCri.Cli.Bench;

/// <summary>A run's result as a table for people or one JSON object for scripts (times in microseconds).</summary>
internal static class BenchReport
{
    public static string Table(BenchResult result)
    {
        var settings = result.Settings;
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"target      {settings.Target}\n")
            .Append(CultureInfo.InvariantCulture, $"clients     {settings.Parallel}\n")
            .Append(CultureInfo.InvariantCulture, $"lifecycles  {settings.Pods} pod, {settings.Containers} container (+{settings.Warmup} warm-up each, not measured)\n")
            .Append('\n')
            .Append(CultureInfo.InvariantCulture, $"{"operation",-20} {"calls",7} {"p50",10} {"p90",10} {"p99",10}\n");
        foreach (var operation in result.Operations)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"{operation.Name,-20} {operation.Calls,7} {Duration(operation.P50),10} {Duration(operation.P90),10} {Duration(operation.P99),10}\n");
        }

        return text
            .Append('\n')
            .Append(CultureInfo.InvariantCulture, $"pod lifecycles/s        {result.PodLifecyclesPerSecond,10:F1}\n")
            .Append(CultureInfo.InvariantCulture, $"container lifecycles/s  {result.ContainerLifecyclesPerSecond,10:F1}\n")
            .ToString();
    }

    public static string Json(BenchResult result)
    {
        var settings = result.Settings;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("target", settings.InProcess ? "in-process" : settings.Endpoint!.ToString());
            json.WriteNumber("parallel", settings.Parallel);
            json.WriteNumber("warmup", settings.Warmup);
            json.WriteString("image", settings.Image);
            Phase(json, "pods", settings.Pods, result.PodSeconds, result.PodLifecyclesPerSecond);
            Phase(json, "containers", settings.Containers, result.ContainerSeconds, result.ContainerLifecyclesPerSecond);
            json.WriteStartArray("operations");
            foreach (var operation in result.Operations)
            {
                json.WriteStartObject();
                json.WriteString("name", operation.Name);
                json.WriteNumber("calls", operation.Calls);
                json.WriteNumber("p50Us", Math.Round(operation.P50, 2));
                json.WriteNumber("p90Us", Math.Round(operation.P90, 2));
                json.WriteNumber("p99Us", Math.Round(operation.P99, 2));
                json.WriteNumber("meanUs", Math.Round(operation.Mean, 2));
                json.WriteNumber("maxUs", Math.Round(operation.Max, 2));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>Microseconds as a short human figure: <c>18.4µs</c>, <c>1.27ms</c>, <c>2.04s</c>.</summary>
    public static string Duration(double micros) => micros switch
    {
        < 1_000 => string.Create(CultureInfo.InvariantCulture, $"{micros:F1}µs"),
        < 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{micros / 1_000:F2}ms"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{micros / 1_000_000:F2}s"),
    };

    private static void Phase(Utf8JsonWriter json, string name, int lifecycles, double seconds, double perSecond)
    {
        json.WriteStartObject(name);
        json.WriteNumber("lifecycles", lifecycles);
        json.WriteNumber("seconds", Math.Round(seconds, 4));
        json.WriteNumber("lifecyclesPerSecond", Math.Round(perSecond, 1));
        json.WriteEndObject();
    }
}
