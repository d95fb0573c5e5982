using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FakeCri.Scenarios.Internal;

/// <summary>
/// Finds the line of a field in a YAML text by its path (<c>pods[0].containers[1].state</c>), so an error found
/// after deserialising still points at the line to fix.
/// </summary>
internal static class YamlLocator
{
    public static int? LineOf(string text, string path)
    {
        YamlNode? node;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            node = stream.Documents.Count > 0 ? stream.Documents[0].RootNode : null;
        }
        catch (YamlException)
        {
            return null;
        }

        int? line = node is null ? null : (int)node.Start.Line;
        foreach (var segment in Segments(path))
        {
            node = segment switch
            {
                string key when node is YamlMappingNode mapping => mapping.Children.FirstOrDefault(c => c.Key is YamlScalarNode s && s.Value == key).Value,
                int index when node is YamlSequenceNode sequence && index < sequence.Children.Count => sequence.Children[index],
                _ => null,
            };
            if (node is null)
            {
                break;
            }

            line = (int)node.Start.Line;
        }

        return line;
    }

    private static IEnumerable<object> Segments(string path)
    {
        foreach (var part in path.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var bracket = part.IndexOf('[', StringComparison.Ordinal);
            yield return bracket < 0 ? part : part[..bracket];
            while (bracket >= 0)
            {
                var end = part.IndexOf(']', bracket);
                yield return int.Parse(part[(bracket + 1)..end], CultureInfo.InvariantCulture);
                bracket = part.IndexOf('[', end);
            }
        }
    }
}
