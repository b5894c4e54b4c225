using System.CommandLine;
using System.Globalization;

namespace EtcdNet.Benchmark.WatchLoad;

/// <summary>
/// The `watch-load` command: --conns watch connections with --watchers-per-conn watchers each over --keys keys,
/// spread over --endpoints, while puts go to those keys at --put-rate for --duration. Reports the delivery latency
/// (put sent to event received) and missed, duplicated and out-of-order events; exits 1 if any.
/// </summary>
public static class WatchLoadCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var perConn = new Option<int>("--watchers-per-conn") { Description = "Watchers on each connection's watch stream", DefaultValueFactory = _ => 10 };
        var keys = new Option<int>("--keys") { Description = "Distinct keys watched and put", DefaultValueFactory = _ => 10 };
        var putRate = new Option<double>("--put-rate") { Description = "Puts per second, over the keys round-robin", DefaultValueFactory = _ => 100 };
        var duration = new Option<string>("--duration") { Description = "How long to put (e.g. 10s, 500ms, 2m)", DefaultValueFactory = _ => "10s" };
        var valSize = new Option<int>("--val-size") { Description = "Value size of put requests (at least 8)", DefaultValueFactory = _ => 16 };
        var putEndpoints = new Option<string>("--put-endpoints") { Description = "Endpoints to put to (default: --endpoints)" };
        var drain = new Option<string>("--drain") { Description = "How long to wait for events after the last put", DefaultValueFactory = _ => "10s" };
        var command = new Command("watch-load", "Watch delivery under load: latency, missed, duplicated and out-of-order events")
        {
            perConn, keys, putRate, duration, valSize, putEndpoints, drain,
        };
        ClientFlags.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var settings = new WatchLoadSettings(
                parse.GetValue(ClientFlags.Conns), parse.GetValue(perConn), parse.GetValue(keys), parse.GetValue(putRate),
                WatchLoadSettings.ParseDuration(parse.GetRequiredValue(duration)), parse.GetValue(ClientFlags.Clients),
                parse.GetValue(valSize), WatchLoadSettings.ParseDuration(parse.GetRequiredValue(drain)));
            var endpoints = KvConnections.ParseEndpoints(parse.GetRequiredValue(ClientFlags.Endpoints));
            var putTo = parse.GetValue(putEndpoints) is { Length: > 0 } p ? KvConnections.ParseEndpoints(p) : endpoints;
            await using var run = await WatchLoadRun.StartAsync(endpoints, putTo, settings, ct).ConfigureAwait(false);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{settings.Watchers} watchers on {settings.Keys} keys over {settings.Conns} connections to {endpoints.Count} endpoints; putting {settings.PutTotal} keys at {settings.PutRate}/s"));
            var summary = await run.RunAsync(ct).ConfigureAwait(false);
            Console.Write(summary.Format(parse.GetValue(ClientFlags.Precise)));
            return summary.Clean ? 0 : 1;
        });
        return command;
    }
}
