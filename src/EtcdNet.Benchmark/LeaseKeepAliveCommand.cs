using System.CommandLine;
using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Grpc;

namespace EtcdNet.Benchmark;

/// <summary>
/// The `lease-keepalive` command, after etcd's: each client grants itself a lease, then renews it over a
/// LeaseKeepAlive stream of its own, one request in flight, as fast as the answers come back.
/// </summary>
public static class LeaseKeepAliveCommand
{
    /// <summary>The TTL of the renewed leases: etcd's benchmark grants 100, long enough that none expires during a run.</summary>
    public const long LeaseTtl = 100;

    // What etcd's client reports when a keepalive answers TTL 0 (the lease is gone).
    private const string LeaseNotFound = "etcdserver: requested lease not found";

    /// <summary>What one keepalive run sends; a <see cref="Rate"/> above zero caps keepalives per second.</summary>
    public sealed record Settings(int Total, double Rate);

    /// <summary>Builds the command with etcd's flag names and defaults.</summary>
    public static Command Create()
    {
        var total = new Option<int>("--total") { Description = "Total number of lease keepalive requests", DefaultValueFactory = _ => 10000 };
        var rate = new Option<double>("--rate") { Description = "Maximum keepalives per second (0 is no limit)" };
        var command = new Command("lease-keepalive", "Benchmark lease keepalive") { total, rate };
        ClientFlags.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            using var kv = ClientFlags.Connect(parse);
            var report = await RunAsync(kv, ClientFlags.ClientCount(parse), new Settings(parse.GetValue(total), parse.GetValue(rate)), ct)
                .ConfigureAwait(false);
            Console.Write(report.Format(parse.GetValue(ClientFlags.Precise)));
            return report.ErrorCount == 0 ? 0 : 1;
        });
        return command;
    }

    /// <summary>
    /// Grants a lease and opens a stream per client (not measured), runs the keepalives, then closes the streams and
    /// revokes the leases. Throws if a lease cannot be granted, as etcd's benchmark gives up then too.
    /// </summary>
    public static async Task<Report> RunAsync(KvConnections kv, int clients, Settings settings, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(clients, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(settings.Total);
        var grant = new LeaseGrantRequest { TTL = LeaseTtl };
        var leases = await Task.WhenAll(Enumerable.Range(0, clients).Select(c => kv.LeaseGrantAsync(c, grant, ct))).ConfigureAwait(false);
        var requests = new LeaseKeepAliveRequest[clients];
        var streams = new DuplexCall<LeaseKeepAliveRequest, LeaseKeepAliveResponse>?[clients];
        try
        {
            for (int c = 0; c < clients; c++)
            {
                requests[c] = new LeaseKeepAliveRequest { ID = leases[c].ID };
                streams[c] = kv.LeaseKeepAlive(c, ct);
            }

            return await LoadRunner.RunAsync(clients, settings.Total, settings.Rate, (client, _) => KeepAliveAsync(streams[client]!, requests[client], ct), ct)
                .ConfigureAwait(false);
        }
        finally
        {
            await CloseAsync(streams).ConfigureAwait(false);
            await RevokeAsync(kv, leases, ct).ConfigureAwait(false);
        }
    }

    // One renewal: a client's calls never overlap, so the answer read is the one to this request.
    private static async Task KeepAliveAsync(
        DuplexCall<LeaseKeepAliveRequest, LeaseKeepAliveResponse> stream, LeaseKeepAliveRequest request, CancellationToken ct)
    {
        await stream.WriteAsync(request).ConfigureAwait(false);
        if (!await stream.Responses.MoveNextAsync(ct).ConfigureAwait(false))
        {
            throw new RpcException(StatusCode.Unavailable, "lease keepalive stream ended");
        }

        // A fast answer that renewed nothing is no keepalive: TTL 0 means the lease is gone.
        var response = stream.Responses.Current;
        if (response.TTL <= 0 || response.ID != request.ID)
        {
            throw new RpcException(StatusCode.NotFound, LeaseNotFound);
        }
    }

    // Half-close and read to the end, so the server finishes each stream itself instead of seeing it reset.
    private static async Task CloseAsync(DuplexCall<LeaseKeepAliveRequest, LeaseKeepAliveResponse>?[] streams)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        foreach (var stream in streams)
        {
            if (stream is null)
            {
                continue;
            }

            try
            {
                await stream.CompleteAsync().ConfigureAwait(false);
                while (await stream.Responses.MoveNextAsync(deadline.Token).ConfigureAwait(false))
                {
                }
            }
            catch (Exception e) when (e is RpcException or OperationCanceledException or InvalidOperationException)
            {
                // A stream that already failed has its errors in the report; closing it is all that is left.
            }
            finally
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    // Leaves the server as found: the next workload should not share it with thousands of live leases.
    private static async Task RevokeAsync(KvConnections kv, LeaseGrantResponse[] leases, CancellationToken ct)
    {
        for (int c = 0; c < leases.Length; c++)
        {
            try
            {
                await kv.LeaseRevokeAsync(c, new LeaseRevokeRequest { ID = leases[c].ID }, ct).ConfigureAwait(false);
            }
            catch (RpcException)
            {
                // Not part of the measurement; a lease left behind expires with its TTL.
            }
        }
    }
}
