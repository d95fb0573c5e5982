using YamlDotNet.RepresentationModel;

namespace FakeCri.Cli.Serve;

/// <summary>
/// Reads a YAML config file into configuration keys (<c>a:b:0</c>), the same shape the JSON provider produces, so
/// both file formats feed one set of rules.
/// </summary>
internal static class YamlConfigurationFile
{
    public static Dictionary<string, string?> Flatten(string yaml)
    {
        var result = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var stream = new YamlStream();
        using (var reader = new StringReader(yaml))
        {
            stream.Load(reader);
        }

        if (stream.Documents.Count == 0)
        {
            return result;
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new FormatException("the top level of the file must be a mapping of setting: value");
        }

        Visit(root, prefix: null, result);
        return result;
    }

    private static void Visit(YamlNode node, string? prefix, Dictionary<string, string?> result)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                foreach (var (key, value) in mapping.Children)
                {
                    var name = ((YamlScalarNode)key).Value ?? string.Empty;
                    Visit(value, prefix is null ? name : $"{prefix}:{name}", result);
                }

                break;
            case YamlSequenceNode sequence:
                for (var i = 0; i < sequence.Children.Count; i++)
                {
                    Visit(sequence.Children[i], $"{prefix}:{i}", result);
                }

                break;
            case YamlScalarNode scalar when prefix is not null:
                result[prefix] = scalar.Value;
                break;
        }
    }
}
