using System.CommandLine;
using EtcdNet.Api.Etcdserverpb;
using Google.Protobuf;

namespace EtcdNet.Benchmark;

/// <summary>The `range` command: reads one key or a range repeatedly, like etcd's `benchmark range`.</summary>
public static class RangeCommand
{
    /// <summary>What one range run sends; an empty <see cref="End"/> reads the single key.</summary>
    public sealed record Settings(string Key, string End, int Total, bool Serializable, double Rate);

    /// <summary>Builds the command with etcd's argument order, flag names and defaults.</summary>
    public static Command Create()
    {
        var key = new Argument<string>("key") { Description = "Key to read" };
        var end = new Argument<string>("end") { Description = "Range end (exclusive)", Arity = ArgumentArity.ZeroOrOne, DefaultValueFactory = _ => "" };
        var total = new Option<int>("--total") { Description = "Total number of range requests", DefaultValueFactory = _ => 10000 };
        var consistency = new Option<string>("--consistency")
        {
            Description = "Linearizable(l) or Serializable(s)",
            DefaultValueFactory = _ => "l",
        };
        consistency.AcceptOnlyFromAmong("l", "s");
        var rate = new Option<double>("--rate") { Description = "Maximum range requests per second (0 is no limit)" };
        var command = new Command("range", "Benchmark range") { key, end, total, consistency, rate };
        ClientFlags.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var settings = new Settings(parse.GetRequiredValue(key), parse.GetValue(end) ?? "", parse.GetValue(total),
                parse.GetValue(consistency) == "s", parse.GetValue(rate));
            using var kv = ClientFlags.Connect(parse);
            var report = await RunAsync(kv, ClientFlags.ClientCount(parse), settings, ct).ConfigureAwait(false);
            Console.Write(report.Format(parse.GetValue(ClientFlags.Precise)));
            return report.ErrorCount == 0 ? 0 : 1;
        });
        return command;
    }

    /// <summary>Runs the reads over <paramref name="kv"/> from <paramref name="clients"/> clients.</summary>
    public static Task<Report> RunAsync(KvConnections kv, int clients, Settings settings, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(settings.Total);
        // One request for all clients: serializing only reads the message, so concurrent calls can share it.
        var request = new RangeRequest
        {
            Key = ByteString.CopyFromUtf8(settings.Key),
            RangeEnd = ByteString.CopyFromUtf8(settings.End),
            Serializable = settings.Serializable,
        };
        return LoadRunner.RunAsync(clients, settings.Total, settings.Rate,
            (client, _) => kv.RangeAsync(client, request, ct), ct);
    }
}
