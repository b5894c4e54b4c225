namespace EtcdNet.Snapshot;

/// <summary>
/// A `snapshot` subcommand's command line read as etcdctl's (cobra/pflag) reads it: flags before or after the
/// positional arguments, <c>--flag value</c> or <c>--flag=value</c>, booleans alone or <c>=true|false</c>,
/// <c>--</c> ends the flags. Errors carry pflag's texts.
/// </summary>
internal sealed class SnapshotArgs
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    private SnapshotArgs(List<string> positional) => Positional = positional;

    public List<string> Positional { get; }

    public bool Help { get; private set; }

    public string Get(string name, string fallback) => _values.GetValueOrDefault(name, fallback);

    public bool Has(string name) => _values.ContainsKey(name);

    public bool GetBool(string name) => _values.TryGetValue(name, out var v) && v == "true";

    /// <summary>
    /// Parses <paramref name="args"/> against the value flags and boolean flags given (long names; <c>-w</c> is
    /// accepted for write-out).
    /// </summary>
    public static SnapshotArgs Parse(IReadOnlyList<string> args, IReadOnlySet<string> valueFlags, IReadOnlySet<string> boolFlags)
    {
        var parsed = new SnapshotArgs([]);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                parsed.Positional.AddRange(args.Skip(i + 1));
                break;
            }
            if (arg.Length < 2 || arg[0] != '-')
            {
                parsed.Positional.Add(arg);
                continue;
            }
            var isLong = arg.StartsWith("--", StringComparison.Ordinal);
            var body = isLong ? arg[2..] : arg[1..];
            var eq = body.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? body : body[..eq];
            string? value = eq < 0 ? null : body[(eq + 1)..];
            if (!isLong)
            {
                name = name switch
                {
                    "w" => "write-out",
                    "h" => "help",
                    _ => throw new SnapshotUsageException($"unknown shorthand flag: '{name[..Math.Min(1, name.Length)]}' in {arg}"),
                };
            }
            var shown = isLong ? "--" + name : "-" + body[..1];
            if (name == "help")
            {
                parsed.Help = true;
                continue;
            }
            if (boolFlags.Contains(name))
            {
                value ??= "true";
                if (value is not ("true" or "false" or "1" or "0" or "t" or "f" or "TRUE" or "FALSE" or "True" or "False" or "T" or "F"))
                {
                    throw new SnapshotUsageException($"invalid argument \"{value}\" for \"{shown}\" flag: strconv.ParseBool: parsing \"{value}\": invalid syntax");
                }
                parsed._values[name] = value is "true" or "1" or "t" or "TRUE" or "True" or "T" ? "true" : "false";
                continue;
            }
            if (!valueFlags.Contains(name))
            {
                throw new SnapshotUsageException($"unknown flag: --{name}");
            }
            if (value is null)
            {
                if (i + 1 >= args.Count) throw new SnapshotUsageException($"flag needs an argument: {shown}");
                value = args[++i];
            }
            parsed._values[name] = value;
        }
        return parsed;
    }
}

/// <summary>A command line etcdctl would refuse before running the command (it prints the usage first).</summary>
internal sealed class SnapshotUsageException(string message) : Exception(message);
