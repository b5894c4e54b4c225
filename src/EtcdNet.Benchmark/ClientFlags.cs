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
    };

    /// <summary>Number of gRPC connections.</summary>
    public static readonly Option<int> Conns = new("--conns")
    {
        Description = "Total number of gRPC connections",
        DefaultValueFactory = _ => 1,
    };

    /// <summary>Number of concurrent clients.</summary>
    public static readonly Option<int> Clients = new("--clients")
    {
        Description = "Total number of gRPC clients",
        DefaultValueFactory = _ => 1,
    };

    /// <summary>Print six decimals instead of four.</summary>
    public static readonly Option<bool> Precise = new("--precise")
    {
        Description = "use full floating point precision",
    };

    /// <summary>Adds the shared flags to a command; the root and each load command carry them.</summary>
    /// <remarks>etcd's benchmark takes them before the command name; accepting them after it too costs nothing.</remarks>
    public static void AddTo(Command command)
    {
        command.Options.Add(Endpoints);
        command.Options.Add(Conns);
        command.Options.Add(Clients);
        command.Options.Add(Precise);
    }

    /// <summary>Opens the connections the parsed flags ask for.</summary>
    public static KvConnections Connect(ParseResult parse) =>
        new(KvConnections.ParseEndpoints(parse.GetRequiredValue(Endpoints)), Positive(parse.GetValue(Conns), "--conns"));

    /// <summary>The parsed --clients, checked.</summary>
    public static int ClientCount(ParseResult parse) => Positive(parse.GetValue(Clients), "--clients");

    private static int Positive(int value, string flag) =>
        value >= 1 ? value : throw new ArgumentException($"{flag} must be at least 1");
}
