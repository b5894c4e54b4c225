using System.Globalization;

namespace EtcdNet.Proxy;

/// <summary>etcdnet-proxy's command line, spelled as etcd-proxy's (Go flag syntax: -from or --from, with a space or '=').</summary>
public sealed record ProxyFlags
{
    /// <summary>Where the proxy accepts connections (etcd-proxy's default).</summary>
    public string From { get; init; } = "localhost:23790";

    /// <summary>Where each accepted connection is forwarded.</summary>
    public string To { get; init; } = "localhost:2379";

    /// <summary>Port of the HTTP control API, served on the host of <see cref="From"/>.</summary>
    public int HttpPort { get; init; } = 2378;

    /// <summary>Log each connection and fault change.</summary>
    public bool Verbose { get; init; }

    /// <summary>Set by -h, -help or --help.</summary>
    public bool Help { get; init; }

    /// <summary>The usage text printed for --help and after a flag error.</summary>
    public const string Usage = """
        Usage of etcdnet-proxy:

        etcdnet-proxy simulates network faults for etcd testing: it forwards TCP connections from one
        address to another and injects latency, pauses and blackholes per direction through an HTTP API.

        Example:
          etcdnet-proxy --from 127.0.0.1:23790 --to 127.0.0.1:2379 --http-port 2378 --verbose
          curl -L http://127.0.0.1:2378/delay-tx -X PUT -d 'latency=5s&random-variable=100ms'
          curl -L http://127.0.0.1:2378/delay-tx              # current send latency 4.95s
          curl -L http://127.0.0.1:2378/delay-tx -X DELETE
          curl -L http://127.0.0.1:2378/pause-tx -X PUT       # and -X DELETE; also /pause-rx
          curl -L http://127.0.0.1:2378/blackhole-rx -X PUT   # and -X DELETE; also /blackhole-tx

          -from string
                Address URL to proxy from. (default "localhost:23790")
          -http-port int
                Port to serve etcd-proxy API. (default 2378)
          -to string
                Address URL to forward. (default "localhost:2379")
          -verbose
                'true' to run proxy in verbose mode.
        """;

    /// <summary>Parses args as Go's flag package would; <paramref name="error"/> is Go's wording.</summary>
    public static bool TryParse(IReadOnlyList<string> args, out ProxyFlags flags, out string error)
    {
        flags = new ProxyFlags();
        error = "";
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--") break;
            if (arg.Length < 2 || arg[0] != '-') break; // Go stops at the first non-flag argument.

            var name = arg.TrimStart('-');
            if (arg.StartsWith("---", StringComparison.Ordinal) || name.Length == 0 || name[0] == '=')
            {
                error = $"bad flag syntax: {arg}";
                return false;
            }

            string? value = null;
            var eq = name.IndexOf('=');
            if (eq >= 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }

            switch (name)
            {
                case "h" or "help":
                    flags = flags with { Help = true };
                    return true;
                case "verbose":
                    if (value is null)
                    {
                        flags = flags with { Verbose = true };
                    }
                    else if (TryParseGoBool(value, out var verbose))
                    {
                        flags = flags with { Verbose = verbose };
                    }
                    else
                    {
                        error = $"invalid boolean value {GoQuote.Quote(value)} for -verbose: parse error";
                        return false;
                    }

                    break;
                case "from" or "to" or "http-port":
                    if (value is null)
                    {
                        if (i + 1 >= args.Count)
                        {
                            error = $"flag needs an argument: -{name}";
                            return false;
                        }

                        value = args[++i];
                    }

                    if (name == "from") flags = flags with { From = value };
                    else if (name == "to") flags = flags with { To = value };
                    else if (int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var port) && port is >= 0 and <= 65535)
                    {
                        flags = flags with { HttpPort = port };
                    }
                    else
                    {
                        error = $"invalid value {GoQuote.Quote(value)} for flag -http-port: parse error";
                        return false;
                    }

                    break;
                default:
                    error = $"flag provided but not defined: -{name}";
                    return false;
            }
        }

        return true;
    }

    private static bool TryParseGoBool(string text, out bool value)
    {
        switch (text)
        {
            case "1" or "t" or "T" or "true" or "TRUE" or "True":
                value = true;
                return true;
            case "0" or "f" or "F" or "false" or "FALSE" or "False":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }
}
