using System.Collections;
using Microsoft.Extensions.Configuration;

namespace FakeCri.Cli.Serve;

/// <summary>
/// Stacks the configuration layers of <c>fakecri serve</c> with Microsoft.Extensions.Configuration, lowest first:
/// the config file (JSON, or YAML), <c>FAKECRI_*</c> environment variables, then the flags given on the command
/// line. Defaults apply to keys no layer sets.
/// </summary>
internal static class ServeConfiguration
{
    public static IConfiguration Build(
        string? configFile,
        IDictionary environment,
        IReadOnlyDictionary<string, string?> flags)
    {
        var builder = new ConfigurationBuilder();
        configFile ??= environment[ServeKeys.ConfigEnvironmentVariable] as string;
        if (!string.IsNullOrWhiteSpace(configFile))
        {
            AddConfigFile(builder, Path.GetFullPath(configFile));
        }

        var fromEnvironment = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (variable, key) in ServeKeys.EnvironmentVariables)
        {
            if (environment[variable] is string value)
            {
                fromEnvironment[key] = value;
            }
        }

        builder.AddInMemoryCollection(fromEnvironment);
        builder.AddInMemoryCollection(flags);
        return builder.Build();
    }

    private static void AddConfigFile(ConfigurationBuilder builder, string path)
    {
        if (!File.Exists(path))
        {
            throw new SettingsException($"config file {path} does not exist");
        }

        try
        {
            switch (Path.GetExtension(path).ToLowerInvariant())
            {
                case ".json":
                    builder.AddJsonFile(path, optional: false, reloadOnChange: false);
                    // Parse now, so a syntax error is reported as a bad config file, not later as a crash.
                    new ConfigurationBuilder().AddJsonFile(path, optional: false, reloadOnChange: false).Build();
                    break;
                case ".yaml" or ".yml":
                    builder.AddInMemoryCollection(YamlConfigurationFile.Flatten(File.ReadAllText(path)));
                    break;
                default:
                    throw new SettingsException($"config file {path}: use a .json, .yaml or .yml file");
            }
        }
        catch (Exception exception) when (exception is FormatException or InvalidDataException or IOException
            or YamlDotNet.Core.YamlException)
        {
            throw new SettingsException($"config file {path} is not valid: {exception.Message}", exception);
        }
    }
}
