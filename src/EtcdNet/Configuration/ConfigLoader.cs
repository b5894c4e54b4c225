using System.Collections;
using YamlDotNet.RepresentationModel;

namespace EtcdNet.Configuration;

/// <summary>
/// Builds an <see cref="EtcdConfig"/> the way etcd does: command-line flags, then ETCD_* variables for flags not on
/// the command line (a variable that a flag shadows is an error), or, when --config-file is given, that YAML file
/// alone. <see cref="Warnings"/> collects what etcd would log rather than refuse.
/// </summary>
public sealed class ConfigLoader
{
    public List<string> Warnings { get; } = [];

    public EtcdConfig Load(IReadOnlyList<string> args, IDictionary environment)
    {
        var config = new EtcdConfig();
        var (set, rest) = FlagParser.Parse(args, EtcdFlags.ByName, config);
        if (rest.Count > 0)
        {
            throw new FlagException($"error verifying flags, '{rest[0]}' is not a valid flag. See 'etcd --help'.");
        }

        var configFile = config.ConfigFile;
        if (configFile.Length == 0 && environment["ETCD_CONFIG_FILE"] is string fromEnv)
        {
            configFile = fromEnv;
        }
        if (configFile.Length > 0)
        {
            Warnings.Add("loaded server configuration, other configuration command line flags and environment variables will be ignored if provided");
            var fromFile = LoadFile(configFile);
            fromFile.ShowVersion = config.ShowVersion;
            return fromFile;
        }

        ApplyEnvironment(config, set, environment);
        return config;
    }

    private void ApplyEnvironment(EtcdConfig config, HashSet<string> setOnCommandLine, IDictionary environment)
    {
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var flag in EtcdFlags.All)
        {
            known.Add(flag.EnvironmentVariable);
            if (environment[flag.EnvironmentVariable] is not string value) continue;
            if (setOnCommandLine.Contains(flag.Name))
            {
                throw new FlagException($"conflicting environment variable \"{flag.EnvironmentVariable}\" is shadowed by corresponding command-line flag (either unset environment variable or disable flag)");
            }
            FlagParser.Apply(flag, value, config, $"invalid value \"{value}\" for {flag.EnvironmentVariable}");
        }
        foreach (DictionaryEntry entry in environment)
        {
            if (entry.Key is string name && name.StartsWith("ETCD_", StringComparison.Ordinal) && !known.Contains(name))
            {
                Warnings.Add($"unrecognized environment variable {name}={entry.Value}");
            }
        }
    }

    /// <summary>Reads a config file whose keys are the flag names; lists (log-outputs) may be YAML sequences.</summary>
    private EtcdConfig LoadFile(string path)
    {
        var config = new EtcdConfig();
        YamlStream yaml = new();
        try
        {
            using var reader = new StreamReader(path);
            yaml.Load(reader);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or YamlDotNet.Core.YamlException)
        {
            throw new FlagException($"error verifying flags, cannot load config file {path}: {e.Message}. See 'etcd --help'.");
        }
        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root) return config;

        foreach (var (keyNode, valueNode) in root.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value ?? "";
            if (!EtcdFlags.ByName.TryGetValue(key, out var flag) || key == "config-file")
            {
                Warnings.Add($"unknown or unsupported config file key \"{key}\" ignored");
                continue;
            }
            var value = valueNode switch
            {
                YamlScalarNode scalar => scalar.Value ?? "",
                YamlSequenceNode list => string.Join(',', list.Children.OfType<YamlScalarNode>().Select(s => s.Value)),
                _ => throw new FlagException($"error verifying flags, config file key \"{key}\" must be a value or a list. See 'etcd --help'."),
            };
            if (value.Length == 0 || value == "null") continue; // an empty key in the sample keeps the default
            FlagParser.Apply(flag, value, config, $"invalid value \"{value}\" for config file key \"{key}\"");
        }
        return config;
    }
}
