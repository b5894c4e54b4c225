using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Grpc;
using EtcdNet.Server.Errors;
using Google.Protobuf;

namespace EtcdNet.Server.Services;

/// <summary>
/// The method table of the v3 API this member serves. Each handler is wrapped so that whatever it throws reaches the
/// client as etcd's status and message. Methods not listed here answer Unimplemented.
/// </summary>
public static class EtcdServices
{
    public static GrpcServiceRegistry Register(GrpcServiceRegistry registry, EtcdServer server)
    {
        var kv = new KvService(server);
        Unary<RangeRequest, RangeResponse>(registry, "etcdserverpb.KV", "Range", kv.Range);
        Unary<PutRequest, PutResponse>(registry, "etcdserverpb.KV", "Put", kv.Put);
        Unary<DeleteRangeRequest, DeleteRangeResponse>(registry, "etcdserverpb.KV", "DeleteRange", kv.DeleteRange);
        Unary<TxnRequest, TxnResponse>(registry, "etcdserverpb.KV", "Txn", kv.Txn);
        Unary<CompactionRequest, CompactionResponse>(registry, "etcdserverpb.KV", "Compact", kv.Compact);

        var maintenance = new MaintenanceService(server);
        Unary<StatusRequest, StatusResponse>(registry, "etcdserverpb.Maintenance", "Status", maintenance.Status);
        Unary<AlarmRequest, AlarmResponse>(registry, "etcdserverpb.Maintenance", "Alarm", maintenance.Alarm);
        Unary<MoveLeaderRequest, MoveLeaderResponse>(registry, "etcdserverpb.Maintenance", "MoveLeader", maintenance.MoveLeader);

        var lease = new LeaseService(server);
        Unary<LeaseGrantRequest, LeaseGrantResponse>(registry, "etcdserverpb.Lease", "LeaseGrant", lease.LeaseGrant);
        Unary<LeaseRevokeRequest, LeaseRevokeResponse>(registry, "etcdserverpb.Lease", "LeaseRevoke", lease.LeaseRevoke);
        Unary<LeaseTimeToLiveRequest, LeaseTimeToLiveResponse>(registry, "etcdserverpb.Lease", "LeaseTimeToLive", lease.LeaseTimeToLive);
        Unary<LeaseLeasesRequest, LeaseLeasesResponse>(registry, "etcdserverpb.Lease", "LeaseLeases", lease.LeaseLeases);
        Duplex<LeaseKeepAliveRequest, LeaseKeepAliveResponse>(registry, "etcdserverpb.Lease", "LeaseKeepAlive", lease.LeaseKeepAlive);

        Duplex<WatchRequest, WatchResponse>(registry, "etcdserverpb.Watch", "Watch", new Watch.WatchService(server).Watch);

        var cluster = new ClusterService(server);
        Unary<MemberListRequest, MemberListResponse>(registry, "etcdserverpb.Cluster", "MemberList", cluster.MemberList);
        Unary<MemberAddRequest, MemberAddResponse>(registry, "etcdserverpb.Cluster", "MemberAdd", cluster.MemberAdd);
        Unary<MemberRemoveRequest, MemberRemoveResponse>(registry, "etcdserverpb.Cluster", "MemberRemove", cluster.MemberRemove);
        Unary<MemberUpdateRequest, MemberUpdateResponse>(registry, "etcdserverpb.Cluster", "MemberUpdate", cluster.MemberUpdate);
        Unary<MemberPromoteRequest, MemberPromoteResponse>(registry, "etcdserverpb.Cluster", "MemberPromote", cluster.MemberPromote);
        return registry;
    }

    private static void Duplex<TReq, TResp>(
        GrpcServiceRegistry registry, string service, string method,
        Func<IAsyncStreamReader<TReq>, IServerStreamWriter<TResp>, CallContext, Task> handler)
        where TReq : class, IMessage<TReq>, new()
        where TResp : class, IMessage<TResp>, new()
    {
        registry.AddDuplexStreaming(service, method, ProtoMarshaller.For<TReq>(), ProtoMarshaller.For<TResp>(),
            async (requests, responses, context) =>
            {
                try
                {
                    await handler(requests, responses, context).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not RpcException && !context.CancellationToken.IsCancellationRequested)
                {
                    throw ErrorMapping.ToRpcException(e);
                }
            });
    }

    private static void Unary<TReq, TResp>(
        GrpcServiceRegistry registry, string service, string method, Func<TReq, CallContext, ValueTask<TResp>> handler)
        where TReq : class, IMessage<TReq>, new()
        where TResp : class, IMessage<TResp>, new()
    {
        registry.AddUnary(service, method, ProtoMarshaller.For<TReq>(), ProtoMarshaller.For<TResp>(),
            async (request, context) =>
            {
                try
                {
                    return await handler(request, context).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not RpcException && !context.CancellationToken.IsCancellationRequested)
                {
                    throw ErrorMapping.ToRpcException(e);
                }
            });
    }
}
