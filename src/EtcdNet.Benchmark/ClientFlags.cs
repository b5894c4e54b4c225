using System.CommandLine;

namespace EtcdNet.Benchmark;

/// <summary>The flags every load command shares, named as in etcd's benchmark.</summary>
public static class ClientFlags
{
    /// <summary>Comma-separated gRPC endpoints.</summary>
    public static readonly Option<string> Endpoints = new("--endpoints")
    {
        Description = "gRPC endpoints",
        DefaultValueFactory = _ => "127.0.0.1:2379",
        Recursive = true,
    };

    /// <summary>Number of gRPC connections.</summary>
    public static readonly Option<int> Conns = new("--conns")
    {
        Description = "Total number of gRPC connections",
        DefaultValueFactory = _ => 1,
        Recursive = true,
    };

    /// <summary>Number of concurrent clients.</summary>
    public static readonly Option<int> Clients = new("--clients")
    {
        Description = "Total number of gRPC clients",
        DefaultValueFactory = _ => 1,
        Recursive = true,
    };

    /// <summary>Print six decimals instead of four.</summary>
    public static readonly Option<bool> Precise = new("--precise")
    {
        Description = "use full floating point precision",
        Recursive = true,
    };

    /// <summary>Adds the shared flags to the root command.</summary>
    public static void AddTo(Command root)
    {
        root.Options.Add(Endpoints);
        root.Options.Add(Conns);
        root.Options.Add(Clients);
        root.Options.Add(Precise);
    }

    /// <summary>Opens the connections the parsed flags ask for.</summary>
    public static KvConnections Connect(ParseResult parse) =>
        new(KvConnections.ParseEndpoints(parse.GetRequiredValue(Endpoints)), Positive(parse.GetValue(Conns), "--conns"));

    /// <summary>The parsed --clients, checked.</summary>
    public static int ClientCount(ParseResult parse) => Positive(parse.GetValue(Clients), "--clients");

    private static int Positive(int value, string flag) =>
        value >= 1 ? value : throw new ArgumentException($"{flag} must be at least 1");
}
