using System.CommandLine;
using System.Globalization;

namespace EtcdNet.Benchmark;

/// <summary>
/// The `watch-latency` command, after etcd's: watchers on one key, puts at a fixed rate, and the latency from each
/// put being sent to its event reaching each watcher. Watchers are laid out as <c>--streams</c> gRPC streams of
/// <c>--watchers-per-stream</c> each, over <c>--conns</c> connections.
/// </summary>
public static class WatchLatencyCommand
{
    /// <summary>Builds the command with etcd's flag names and defaults.</summary>
    public static Command Create()
    {
        var putTotal = new Option<int>("--put-total") { Description = "Total number of put requests", DefaultValueFactory = _ => 1000 };
        var putRate = new Option<double>("--put-rate") { Description = "Number of keys to put per second", DefaultValueFactory = _ => 100 };
        var keySize = new Option<int>("--key-size") { Description = "Key size of watch request", DefaultValueFactory = _ => 32 };
        var valSize = new Option<int>("--val-size") { Description = "Val size of put request", DefaultValueFactory = _ => 32 };
        var streams = new Option<int>("--streams") { Description = "Total watch streams", DefaultValueFactory = _ => 10 };
        var perStream = new Option<int>("--watchers-per-stream") { Description = "Total watchers per stream", DefaultValueFactory = _ => 10 };
        var command = new Command("watch-latency", "Benchmark watch latency")
        {
            putTotal, putRate, keySize, valSize, streams, perStream,
        };
        ClientFlags.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var settings = new WatchLatencyRun.Settings(parse.GetValue(streams), parse.GetValue(perStream),
                parse.GetValue(putTotal), parse.GetValue(putRate), parse.GetValue(keySize), parse.GetValue(valSize));
            var endpoints = KvConnections.ParseEndpoints(parse.GetRequiredValue(ClientFlags.Endpoints));
            await using var run = await WatchLatencyRun.StartAsync(endpoints, parse.GetValue(ClientFlags.Conns), settings, ct).ConfigureAwait(false);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{settings.Watchers} watchers created; putting {settings.PutTotal} keys at {settings.PutRate}/s"));
            var report = await run.RunAsync(TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
            Console.Write(report.Format(parse.GetValue(ClientFlags.Precise)));
            return report.ErrorCount == 0 ? 0 : 1;
        });
        return command;
    }
}
