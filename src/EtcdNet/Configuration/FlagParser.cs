namespace EtcdNet.Configuration;

/// <summary>
/// Command-line parsing with the rules of Go's flag package, which etcd uses: <c>-name</c> or <c>--name</c>,
/// <c>=value</c> or the next argument, booleans only as <c>-flag</c> or <c>-flag=false</c>, parsing stops at the
/// first non-flag argument. Error texts are Go's, so scripts that match etcd's messages keep working.
/// </summary>
public static class FlagParser
{
    /// <summary>Parses <paramref name="args"/>; returns the names set and the arguments left after the flags.</summary>
    public static (HashSet<string> Set, List<string> Remaining) Parse(
        IReadOnlyList<string> args, IReadOnlyDictionary<string, Flag> flags, EtcdConfig config)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        var i = 0;
        while (i < args.Count)
        {
            var arg = args[i];
            if (arg.Length < 2 || arg[0] != '-') break;
            i++;
            var body = arg[1] == '-' ? arg[2..] : arg[1..];
            if (body.Length == 0 && arg == "--") break;
            if (body.Length == 0 || body[0] == '-' || body[0] == '=')
            {
                throw new FlagException($"bad flag syntax: {arg}");
            }

            var eq = body.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? body : body[..eq];
            string? value = eq < 0 ? null : body[(eq + 1)..];
            if (name is "h" or "help") throw new HelpRequestedException();
            if (!flags.TryGetValue(name, out var flag))
            {
                throw new FlagException($"flag provided but not defined: -{name}");
            }
            if (flag.IsBool)
            {
                value ??= "true";
            }
            else if (value is null)
            {
                if (i >= args.Count) throw new FlagException($"flag needs an argument: -{name}");
                value = args[i++];
            }
            Apply(flag, value, config, $"invalid value \"{value}\" for flag -{name}");
            set.Add(name);
        }
        return (set, args.Skip(i).ToList());
    }

    /// <summary>Sets one flag from text; a parse failure becomes "<paramref name="context"/>: reason".</summary>
    public static void Apply(Flag flag, string value, EtcdConfig config, string context)
    {
        try
        {
            flag.Set(config, value);
        }
        catch (FormatException e)
        {
            throw new FlagException($"{context}: {e.Message}");
        }
    }
}

/// <summary>A command line, environment or config file etcd would refuse; the message is etcd's.</summary>
public sealed class FlagException(string message) : Exception(message);

/// <summary>-h or --help was given.</summary>
public sealed class HelpRequestedException() : Exception("help requested");
