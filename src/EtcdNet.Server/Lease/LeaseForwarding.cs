using System.Collections.Concurrent;
using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Grpc;
using EtcdNet.Lease;
using EtcdNet.Server.Errors;
using EtcdNet.Server.Services;

namespace EtcdNet.Server;

/// <summary>
/// Only the leader's lessor knows when a lease expires, so a follower hands keepalives and time-to-live questions
/// to the leader over the peer listener (etcd forwards them the same way over its peer HTTP API).
/// </summary>
public sealed class LeaseForwarding(EtcdServer server) : IDisposable
{
    private const string Service = "etcdnet.peer.Lease";
    private readonly ConcurrentDictionary<string, GrpcChannel> _channels = new();

    /// <summary>The leader's side: answers forwarded calls from its own lessor.</summary>
    public static void Register(GrpcServiceRegistry registry, EtcdServer server)
    {
        registry.AddUnary(Service, "Renew", ProtoMarshaller.For<LeaseKeepAliveRequest>(), ProtoMarshaller.For<LeaseKeepAliveResponse>(),
            (request, _) => ValueTask.FromResult(new LeaseKeepAliveResponse { ID = request.ID, TTL = RenewLocal(server, request.ID) }));
        registry.AddUnary(Service, "TimeToLive", ProtoMarshaller.For<LeaseTimeToLiveRequest>(), ProtoMarshaller.For<LeaseTimeToLiveResponse>(),
            (request, _) => ValueTask.FromResult(TimeToLiveLocal(server, request)));
    }

    /// <summary>Renews here when this member is the primary, else on the leader; 0 means the lease is gone.</summary>
    public async Task<long> RenewAsync(long id, CancellationToken ct)
    {
        if (server.Lessor.IsPrimary) return RenewLocal(server, id);
        var response = await LeaderChannel().UnaryAsync($"/{Service}/Renew", new LeaseKeepAliveRequest { ID = id },
            ProtoMarshaller.For<LeaseKeepAliveRequest>(), ProtoMarshaller.For<LeaseKeepAliveResponse>(),
            timeout: server.Options.RequestTimeout, ct: ct).ConfigureAwait(false);
        return response.TTL;
    }

    public async Task<LeaseTimeToLiveResponse> TimeToLiveAsync(LeaseTimeToLiveRequest request, CancellationToken ct)
    {
        if (server.Lessor.IsPrimary) return TimeToLiveLocal(server, request);
        return await LeaderChannel().UnaryAsync($"/{Service}/TimeToLive", request,
            ProtoMarshaller.For<LeaseTimeToLiveRequest>(), ProtoMarshaller.For<LeaseTimeToLiveResponse>(),
            timeout: server.Options.RequestTimeout, ct: ct).ConfigureAwait(false);
    }

    private static long RenewLocal(EtcdServer server, long id)
    {
        try
        {
            return server.Lessor.Renew(id);
        }
        catch (LeaseNotFoundException)
        {
            return 0;
        }
    }

    /// <summary>An unknown lease answers TTL -1 rather than an error, as etcd's does.</summary>
    private static LeaseTimeToLiveResponse TimeToLiveLocal(EtcdServer server, LeaseTimeToLiveRequest request)
    {
        var response = new LeaseTimeToLiveResponse { ID = request.ID, TTL = -1 };
        if (server.Lessor.Lookup(request.ID) is { } lease)
        {
            response.TTL = lease.RemainingTtl;
            response.GrantedTTL = lease.GrantedTtl;
            if (request.Keys)
            {
                foreach (var key in lease.Keys) response.Keys.Add(Google.Protobuf.ByteString.CopyFrom(key));
            }
        }
        return response;
    }

    private GrpcChannel LeaderChannel()
    {
        var leader = server.LeaderId == 0 ? null : server.Cluster.Get(server.LeaderId);
        if (leader is null || leader.PeerUrls.Count == 0) throw EtcdErrors.NoLeader.ToException();
        return _channels.GetOrAdd(leader.PeerUrls[0], url => new GrpcChannel(new Uri(url)));
    }

    public void Dispose()
    {
        foreach (var channel in _channels.Values) channel.Dispose();
    }
}
