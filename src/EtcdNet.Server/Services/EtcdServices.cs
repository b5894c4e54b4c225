using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Grpc;
using EtcdNet.Server.Auth;
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
        Unary<RangeRequest, RangeResponse>(registry, server, "etcdserverpb.KV", "Range", kv.Range);
        Unary<PutRequest, PutResponse>(registry, server, "etcdserverpb.KV", "Put", kv.Put);
        Unary<DeleteRangeRequest, DeleteRangeResponse>(registry, server, "etcdserverpb.KV", "DeleteRange", kv.DeleteRange);
        Unary<TxnRequest, TxnResponse>(registry, server, "etcdserverpb.KV", "Txn", kv.Txn);
        Unary<CompactionRequest, CompactionResponse>(registry, server, "etcdserverpb.KV", "Compact", kv.Compact);

        var maintenance = new MaintenanceService(server);
        Unary<StatusRequest, StatusResponse>(registry, server, "etcdserverpb.Maintenance", "Status", maintenance.Status);
        Unary<AlarmRequest, AlarmResponse>(registry, server, "etcdserverpb.Maintenance", "Alarm", RootOnly.Unary<AlarmRequest, AlarmResponse>(server, maintenance.Alarm));
        Unary<MoveLeaderRequest, MoveLeaderResponse>(registry, server, "etcdserverpb.Maintenance", "MoveLeader", RootOnly.Unary<MoveLeaderRequest, MoveLeaderResponse>(server, maintenance.MoveLeader));
        Unary<HashKVRequest, HashKVResponse>(registry, server, "etcdserverpb.Maintenance", "HashKV", RootOnly.Unary<HashKVRequest, HashKVResponse>(server, maintenance.HashKV));
        Unary<HashRequest, HashResponse>(registry, server, "etcdserverpb.Maintenance", "Hash", RootOnly.Unary<HashRequest, HashResponse>(server, maintenance.Hash));
        Unary<DefragmentRequest, DefragmentResponse>(registry, server, "etcdserverpb.Maintenance", "Defragment", RootOnly.Unary<DefragmentRequest, DefragmentResponse>(server, maintenance.Defragment));
        ServerStream<SnapshotRequest, SnapshotResponse>(registry, server, "etcdserverpb.Maintenance", "Snapshot", RootOnly.ServerStream<SnapshotRequest, SnapshotResponse>(server, maintenance.Snapshot));
        Unary<DowngradeRequest, DowngradeResponse>(registry, server, "etcdserverpb.Maintenance", "Downgrade", RootOnly.Unary<DowngradeRequest, DowngradeResponse>(server, maintenance.Downgrade));

        var lease = new LeaseService(server);
        Unary<LeaseGrantRequest, LeaseGrantResponse>(registry, server, "etcdserverpb.Lease", "LeaseGrant", lease.LeaseGrant);
        Unary<LeaseRevokeRequest, LeaseRevokeResponse>(registry, server, "etcdserverpb.Lease", "LeaseRevoke", lease.LeaseRevoke);
        Unary<LeaseTimeToLiveRequest, LeaseTimeToLiveResponse>(registry, server, "etcdserverpb.Lease", "LeaseTimeToLive", lease.LeaseTimeToLive);
        Unary<LeaseLeasesRequest, LeaseLeasesResponse>(registry, server, "etcdserverpb.Lease", "LeaseLeases", lease.LeaseLeases);
        Duplex<LeaseKeepAliveRequest, LeaseKeepAliveResponse>(registry, server, "etcdserverpb.Lease", "LeaseKeepAlive", lease.LeaseKeepAlive);

        Duplex<WatchRequest, WatchResponse>(registry, server, "etcdserverpb.Watch", "Watch", new Watch.WatchService(server).Watch);

        var cluster = new ClusterService(server);
        Unary<MemberListRequest, MemberListResponse>(registry, server, "etcdserverpb.Cluster", "MemberList", cluster.MemberList);
        Unary<MemberAddRequest, MemberAddResponse>(registry, server, "etcdserverpb.Cluster", "MemberAdd", cluster.MemberAdd);
        Unary<MemberRemoveRequest, MemberRemoveResponse>(registry, server, "etcdserverpb.Cluster", "MemberRemove", cluster.MemberRemove);
        Unary<MemberUpdateRequest, MemberUpdateResponse>(registry, server, "etcdserverpb.Cluster", "MemberUpdate", cluster.MemberUpdate);
        Unary<MemberPromoteRequest, MemberPromoteResponse>(registry, server, "etcdserverpb.Cluster", "MemberPromote", cluster.MemberPromote);

        var auth = new AuthService(server);
        Unary<AuthEnableRequest, AuthEnableResponse>(registry, server, "etcdserverpb.Auth", "AuthEnable", auth.AuthEnable);
        Unary<AuthDisableRequest, AuthDisableResponse>(registry, server, "etcdserverpb.Auth", "AuthDisable", auth.AuthDisable);
        Unary<AuthStatusRequest, AuthStatusResponse>(registry, server, "etcdserverpb.Auth", "AuthStatus", auth.AuthStatus);
        Unary<AuthenticateRequest, AuthenticateResponse>(registry, server, "etcdserverpb.Auth", "Authenticate", auth.Authenticate);
        Unary<AuthUserAddRequest, AuthUserAddResponse>(registry, server, "etcdserverpb.Auth", "UserAdd", auth.UserAdd);
        Unary<AuthUserGetRequest, AuthUserGetResponse>(registry, server, "etcdserverpb.Auth", "UserGet", auth.UserGet);
        Unary<AuthUserListRequest, AuthUserListResponse>(registry, server, "etcdserverpb.Auth", "UserList", auth.UserList);
        Unary<AuthUserDeleteRequest, AuthUserDeleteResponse>(registry, server, "etcdserverpb.Auth", "UserDelete", auth.UserDelete);
        Unary<AuthUserChangePasswordRequest, AuthUserChangePasswordResponse>(registry, server, "etcdserverpb.Auth", "UserChangePassword", auth.UserChangePassword);
        Unary<AuthUserGrantRoleRequest, AuthUserGrantRoleResponse>(registry, server, "etcdserverpb.Auth", "UserGrantRole", auth.UserGrantRole);
        Unary<AuthUserRevokeRoleRequest, AuthUserRevokeRoleResponse>(registry, server, "etcdserverpb.Auth", "UserRevokeRole", auth.UserRevokeRole);
        Unary<AuthRoleAddRequest, AuthRoleAddResponse>(registry, server, "etcdserverpb.Auth", "RoleAdd", auth.RoleAdd);
        Unary<AuthRoleGetRequest, AuthRoleGetResponse>(registry, server, "etcdserverpb.Auth", "RoleGet", auth.RoleGet);
        Unary<AuthRoleListRequest, AuthRoleListResponse>(registry, server, "etcdserverpb.Auth", "RoleList", auth.RoleList);
        Unary<AuthRoleDeleteRequest, AuthRoleDeleteResponse>(registry, server, "etcdserverpb.Auth", "RoleDelete", auth.RoleDelete);
        Unary<AuthRoleGrantPermissionRequest, AuthRoleGrantPermissionResponse>(registry, server, "etcdserverpb.Auth", "RoleGrantPermission", auth.RoleGrantPermission);
        Unary<AuthRoleRevokePermissionRequest, AuthRoleRevokePermissionResponse>(registry, server, "etcdserverpb.Auth", "RoleRevokePermission", auth.RoleRevokePermission);
        return registry;
    }

    /// <summary>What a learner answers itself, as etcd's isRPCSupportedForLearner: status and serializable reads.</summary>
    private static bool LearnerMayServe(object request) => request switch
    {
        StatusRequest => true,
        RangeRequest range => range.Serializable,
        _ => false,
    };

    private static void Duplex<TReq, TResp>(
        GrpcServiceRegistry registry, EtcdServer server, string service, string method,
        Func<IAsyncStreamReader<TReq>, IServerStreamWriter<TResp>, CallContext, Task> handler)
        where TReq : class, IMessage<TReq>, new()
        where TResp : class, IMessage<TResp>, new() =>
        registry.AddDuplexStreaming(service, method, ProtoMarshaller.For<TReq>(), ProtoMarshaller.For<TResp>(),
            (requests, responses, context) => RunStreamAsync(server, context, () => handler(requests, responses, context)));

    private static void ServerStream<TReq, TResp>(
        GrpcServiceRegistry registry, EtcdServer server, string service, string method,
        Func<TReq, IServerStreamWriter<TResp>, CallContext, Task> handler)
        where TReq : class, IMessage<TReq>, new()
        where TResp : class, IMessage<TResp>, new() =>
        registry.AddServerStreaming(service, method, ProtoMarshaller.For<TReq>(), ProtoMarshaller.For<TResp>(),
            (request, responses, context) => RunStreamAsync(server, context, () => handler(request, responses, context)));

    /// <summary>A stream as etcd's stream interceptor runs it: a learner serves none; errors become etcd's statuses.</summary>
    private static async Task RunStreamAsync(EtcdServer server, CallContext context, Func<Task> stream)
    {
        try
        {
            if (server.IsLearner) throw EtcdErrors.NotSupportedForLearner.ToException();
            await stream().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not RpcException && !context.CancellationToken.IsCancellationRequested)
        {
            throw ErrorMapping.ToRpcException(e);
        }
    }

    private static void Unary<TReq, TResp>(
        GrpcServiceRegistry registry, EtcdServer server, string service, string method, Func<TReq, CallContext, ValueTask<TResp>> handler)
        where TReq : class, IMessage<TReq>, new()
        where TResp : class, IMessage<TResp>, new()
    {
        registry.AddUnary(service, method, ProtoMarshaller.For<TReq>(), ProtoMarshaller.For<TResp>(),
            async (request, context) =>
            {
                try
                {
                    if (server.IsLearner && !LearnerMayServe(request)) throw EtcdErrors.NotSupportedForLearner.ToException();
                    return await handler(request, context).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not RpcException && !context.CancellationToken.IsCancellationRequested)
                {
                    throw ErrorMapping.ToRpcException(e);
                }
            });
    }
}
