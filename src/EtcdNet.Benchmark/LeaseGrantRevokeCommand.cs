using System.CommandLine;
using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Grpc;

namespace EtcdNet.Benchmark;

/// <summary>
/// The `lease-grant-revoke` command: each client grants a lease and revokes it at once, one pair in flight; a pair
/// is one request in the report, so its latency is that of both calls and requests/sec counts pairs.
/// </summary>
public static class LeaseGrantRevokeCommand
{
    /// <summary>What one run sends: <see cref="Total"/> pairs of leases with <see cref="Ttl"/> seconds.</summary>
    public sealed record Settings(int Total, long Ttl, double Rate);

    /// <summary>Builds the command; the flags follow etcd's benchmark commands.</summary>
    public static Command Create()
    {
        var total = new Option<int>("--total") { Description = "Total number of lease grant+revoke pairs", DefaultValueFactory = _ => 10000 };
        var ttl = new Option<long>("--ttl") { Description = "TTL of the granted leases, in seconds", DefaultValueFactory = _ => 60 };
        var rate = new Option<double>("--rate") { Description = "Maximum pairs per second (0 is no limit)" };
        var command = new Command("lease-grant-revoke", "Benchmark lease grant followed by revoke") { total, ttl, rate };
        ClientFlags.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            using var kv = ClientFlags.Connect(parse);
            var settings = new Settings(parse.GetValue(total), parse.GetValue(ttl), parse.GetValue(rate));
            var report = await RunAsync(kv, ClientFlags.ClientCount(parse), settings, ct).ConfigureAwait(false);
            Console.Write(report.Format(parse.GetValue(ClientFlags.Precise)));
            return report.ErrorCount == 0 ? 0 : 1;
        });
        return command;
    }

    /// <summary>Runs the pairs over <paramref name="kv"/> from <paramref name="clients"/> clients.</summary>
    public static Task<Report> RunAsync(KvConnections kv, int clients, Settings settings, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(settings.Total);
        if (settings.Ttl < 1)
        {
            throw new ArgumentException("--ttl must be at least 1");
        }

        // One grant for all clients (the server picks each ID); a revoke per client, rewritten per pair.
        var grant = new LeaseGrantRequest { TTL = settings.Ttl };
        var revokes = new LeaseRevokeRequest[clients];
        for (int c = 0; c < clients; c++)
        {
            revokes[c] = new LeaseRevokeRequest();
        }

        return LoadRunner.RunAsync(clients, settings.Total, settings.Rate, async (client, _) =>
        {
            var granted = await kv.LeaseGrantAsync(client, grant, ct).ConfigureAwait(false);
            if (granted.ID == 0 || granted.Error.Length > 0)
            {
                throw new RpcException(StatusCode.Unknown, granted.Error.Length > 0 ? granted.Error : "lease grant returned ID 0");
            }

            revokes[client].ID = granted.ID;
            await kv.LeaseRevokeAsync(client, revokes[client], ct).ConfigureAwait(false);
        }, ct);
    }
}
