using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Grpc;
using EtcdNet.Lease;
using EtcdNet.Server.Errors;

namespace EtcdNet.Server.Services;

/// <summary>
/// etcdserverpb.Lease: grants and revokes go through the log; keepalives and time-to-live are answered by the
/// primary lessor (the leader's; a follower forwards them), listing by this member's lessor.
/// </summary>
public sealed class LeaseService(EtcdServer server)
{
    public ValueTask<LeaseGrantResponse> LeaseGrant(LeaseGrantRequest request, CallContext context)
    {
        if (!server.QuotaAlarmer.Fits(request)) return server.QuotaAlarmer.RefuseAsync<LeaseGrantResponse>(context.CancellationToken);
        // Checked before the log, as etcd does, so an oversized TTL changes nothing.
        if (request.TTL > Lessor.MaxTtl) throw EtcdErrors.LeaseTTLTooLarge.ToException();
        var grant = request.Clone();
        if (grant.ID == 0) grant.ID = server.NextLeaseId();
        return server.ProposeAsync(server.WithAuth(new InternalRaftRequest { LeaseGrant = grant }, context), (LeaseGrantResponse r) => r.Header, context.CancellationToken);
    }

    public ValueTask<LeaseRevokeResponse> LeaseRevoke(LeaseRevokeRequest request, CallContext context) =>
        server.ProposeAsync(server.WithAuth(new InternalRaftRequest { LeaseRevoke = request }, context), (LeaseRevokeResponse r) => r.Header, context.CancellationToken);

    /// <summary>An unknown lease answers TTL -1 rather than an error; a follower asks the leader.</summary>
    public async ValueTask<LeaseTimeToLiveResponse> LeaseTimeToLive(LeaseTimeToLiveRequest request, CallContext context)
    {
        // etcd 3.5 lets only someone who may read every attached key list them.
        var reader = request.Keys ? server.LeaseKeysReader(context) : null;
        var response = await server.LeaseForwarding.TimeToLiveAsync(request, context.CancellationToken).ConfigureAwait(false);
        if (reader is not null) server.CheckLeaseKeysReadable(reader, response.Keys);
        response.Header = server.NewHeader();
        return response;
    }

    public ValueTask<LeaseLeasesResponse> LeaseLeases(LeaseLeasesRequest request, CallContext context)
    {
        var response = new LeaseLeasesResponse { Header = server.NewHeader() };
        foreach (var id in server.Lessor.Leases()) response.Leases.Add(new LeaseStatus { ID = id });
        return ValueTask.FromResult(response);
    }

    /// <summary>
    /// One renewal per request on the stream; an unknown or expired lease answers TTL 0 (clients read that as
    /// "expired"), as etcd's does.
    /// </summary>
    public async Task LeaseKeepAlive(IAsyncStreamReader<LeaseKeepAliveRequest> requests, IServerStreamWriter<LeaseKeepAliveResponse> responses, CallContext context)
    {
        while (await requests.MoveNextAsync(context.CancellationToken).ConfigureAwait(false))
        {
            var id = requests.Current.ID;
            // The primary renews; a follower's renewals go to the leader.
            var ttl = await server.LeaseForwarding.RenewAsync(id, context.CancellationToken).ConfigureAwait(false);
            await responses.WriteAsync(new LeaseKeepAliveResponse { Header = server.NewHeader(), ID = id, TTL = ttl }, context.CancellationToken)
                .ConfigureAwait(false);
        }
    }
}
