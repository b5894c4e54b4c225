using EtcdNet.Api.Authpb;
using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Grpc;
using EtcdNet.Server.Services;
using EtcdNet.TestKit;
using Google.Protobuf;
using static EtcdNet.Server.Tests.Auth.AuthMember;

namespace EtcdNet.Server.Tests.Auth;

/// <summary>
/// Every RPC the member serves, called with no token, with the token of a user without any role, with the token of a
/// user whose role covers the keys involved, and as root, each with the answer etcd gives. The table must name every
/// registered method, so a new RPC cannot skip the auth check unnoticed.
/// </summary>
public sealed class AuthRpcTableTests : IAsyncLifetime
{
    private const string Ok = "OK";
    private const string UserEmpty = "InvalidArgument: etcdserver: user name is empty";
    private const string Denied = "PermissionDenied: etcdserver: permission denied";
    private const string MemberNotFound = "NotFound: etcdserver: member not found";

    /// <summary>Reads and writes of keys in [a, c): the user holding role r passes, the user with no role does not.</summary>
    private static readonly string[] KeyChecked = [UserEmpty, Denied, Ok, Ok];

    private static readonly string[] RootOnly = [UserEmpty, Denied, Denied, Ok];

    private static readonly string[] Open = [Ok, Ok, Ok, Ok];

    private AuthMember _auth = null!;

    public async Task InitializeAsync()
    {
        _auth = await AuthMember.StartAsync();
        // Throwaway users and roles for root's calls to change.
        foreach (var name in new[] { "x", "y" })
        {
            await _auth.Auth<AuthUserAddRequest, AuthUserAddResponse>("UserAdd", new() { Name = name, Password = "pw" });
        }
        foreach (var name in new[] { "r-del", "r-tmp" })
        {
            await _auth.Auth<AuthRoleAddRequest, AuthRoleAddResponse>("RoleAdd", new() { Name = name });
        }
    }

    public async Task DisposeAsync() => await _auth.DisposeAsync();

    private sealed record Row(string Method, Func<string?, Task<string>> Call, string[] Expected);

    private Row Unary<TReq, TResp>(string method, Func<TReq> request, string[] expected)
        where TReq : class, IMessage<TReq>, new()
        where TResp : class, IMessage<TResp>, new() =>
        new(method, token => Outcome(() => _auth.CallAsync<TReq, TResp>(method, request(), token)), expected);

    private static async Task<string> Outcome(Func<Task> call)
    {
        try
        {
            await call();
            return Ok;
        }
        catch (RpcException e)
        {
            return $"{e.StatusCode}: {e.Detail}";
        }
    }

    private List<Row> Table()
    {
        var member = _auth.Server;
        var learnerUrl = $"http://127.0.0.1:{Ports.Free()}";
        return
        [
            Unary<RangeRequest, RangeResponse>("/etcdserverpb.KV/Range", () => new() { Key = B("b") }, KeyChecked),
            Unary<PutRequest, PutResponse>("/etcdserverpb.KV/Put", () => new() { Key = B("b"), Value = B("v") }, KeyChecked),
            Unary<DeleteRangeRequest, DeleteRangeResponse>("/etcdserverpb.KV/DeleteRange", () => new() { Key = B("b") }, KeyChecked),
            Unary<TxnRequest, TxnResponse>("/etcdserverpb.KV/Txn", () => new()
            {
                Compare = { new Compare { Key = B("b"), Target = Compare.Types.CompareTarget.Version, Result = Compare.Types.CompareResult.Greater } },
                Success = { new RequestOp { RequestPut = new PutRequest { Key = B("a1"), Value = B("v") } } },
            }, KeyChecked),
            Unary<CompactionRequest, CompactionResponse>("/etcdserverpb.KV/Compact", () => new() { Revision = 1 }, RootOnly),

            new("/etcdserverpb.Watch/Watch", WatchAsync,
                ["canceled: etcdserver: user name is empty", "canceled: etcdserver: permission denied", Ok, Ok]),

            Unary<LeaseGrantRequest, LeaseGrantResponse>("/etcdserverpb.Lease/LeaseGrant", () => new() { TTL = 60 }, Open),
            new("/etcdserverpb.Lease/LeaseRevoke", token => Outcome(async () =>
            {
                var id = await LeaseWithKeyAsync();
                await _auth.CallAsync<LeaseRevokeRequest, LeaseRevokeResponse>("/etcdserverpb.Lease/LeaseRevoke", new() { ID = id }, token);
            }), KeyChecked),
            new("/etcdserverpb.Lease/LeaseKeepAlive", KeepAliveAsync, Open),
            new("/etcdserverpb.Lease/LeaseTimeToLive", token => Outcome(async () =>
            {
                var id = await LeaseWithKeyAsync();
                var ttl = await _auth.CallAsync<LeaseTimeToLiveRequest, LeaseTimeToLiveResponse>(
                    "/etcdserverpb.Lease/LeaseTimeToLive", new() { ID = id, Keys = true }, token);
                Assert.Equal("b", Assert.Single(ttl.Keys).ToStringUtf8());
            }), KeyChecked),
            Unary<LeaseLeasesRequest, LeaseLeasesResponse>("/etcdserverpb.Lease/LeaseLeases", () => new(), Open),

            Unary<MemberListRequest, MemberListResponse>("/etcdserverpb.Cluster/MemberList", () => new(), Open),
            Unary<MemberAddRequest, MemberAddResponse>("/etcdserverpb.Cluster/MemberAdd", () => new() { PeerURLs = { learnerUrl }, IsLearner = true }, RootOnly),
            // Root passes the check and meets the next one: no such member.
            Unary<MemberUpdateRequest, MemberUpdateResponse>("/etcdserverpb.Cluster/MemberUpdate",
                () => new() { ID = 42, PeerURLs = { $"http://127.0.0.1:{Ports.Free()}" } }, [UserEmpty, Denied, Denied, MemberNotFound]),
            Unary<MemberPromoteRequest, MemberPromoteResponse>("/etcdserverpb.Cluster/MemberPromote", () => new() { ID = 42 }, [UserEmpty, Denied, Denied, MemberNotFound]),
            Unary<MemberRemoveRequest, MemberRemoveResponse>("/etcdserverpb.Cluster/MemberRemove", () => new() { ID = 42 }, [UserEmpty, Denied, Denied, MemberNotFound]),

            Unary<StatusRequest, StatusResponse>("/etcdserverpb.Maintenance/Status", () => new(), Open),
            Unary<AlarmRequest, AlarmResponse>("/etcdserverpb.Maintenance/Alarm", () => new() { Action = AlarmRequest.Types.AlarmAction.Get }, RootOnly),
            Unary<MoveLeaderRequest, MoveLeaderResponse>("/etcdserverpb.Maintenance/MoveLeader", () => new() { TargetID = 42 },
                [UserEmpty, Denied, Denied, "FailedPrecondition: etcdserver: bad leader transferee"]),
            Unary<HashKVRequest, HashKVResponse>("/etcdserverpb.Maintenance/HashKV", () => new(), RootOnly),
            Unary<HashRequest, HashResponse>("/etcdserverpb.Maintenance/Hash", () => new(), RootOnly),
            Unary<DefragmentRequest, DefragmentResponse>("/etcdserverpb.Maintenance/Defragment", () => new(), RootOnly),
            new("/etcdserverpb.Maintenance/Snapshot", SnapshotAsync, RootOnly),
            Unary<DowngradeRequest, DowngradeResponse>("/etcdserverpb.Maintenance/Downgrade",
                () => new() { Action = DowngradeRequest.Types.DowngradeAction.Validate, Version = "3.4.0" }, RootOnly),

            Unary<AuthEnableRequest, AuthEnableResponse>("/etcdserverpb.Auth/AuthEnable", () => new(), RootOnly),
            Unary<AuthStatusRequest, AuthStatusResponse>("/etcdserverpb.Auth/AuthStatus", () => new(), Open),
            Unary<AuthenticateRequest, AuthenticateResponse>("/etcdserverpb.Auth/Authenticate", () => new() { Name = "u", Password = UserPassword }, Open),
            Unary<AuthUserAddRequest, AuthUserAddResponse>("/etcdserverpb.Auth/UserAdd", () => new() { Name = "added", Password = "pw" }, RootOnly),
            // A user may read their own roles, and the roles they hold.
            Unary<AuthUserGetRequest, AuthUserGetResponse>("/etcdserverpb.Auth/UserGet", () => new() { Name = "u" }, KeyChecked),
            Unary<AuthUserListRequest, AuthUserListResponse>("/etcdserverpb.Auth/UserList", () => new(), RootOnly),
            Unary<AuthUserDeleteRequest, AuthUserDeleteResponse>("/etcdserverpb.Auth/UserDelete", () => new() { Name = "x" }, RootOnly),
            Unary<AuthUserChangePasswordRequest, AuthUserChangePasswordResponse>("/etcdserverpb.Auth/UserChangePassword",
                () => new() { Name = "y", Password = "pw2" }, RootOnly),
            Unary<AuthUserGrantRoleRequest, AuthUserGrantRoleResponse>("/etcdserverpb.Auth/UserGrantRole", () => new() { User = "y", Role = "r" }, RootOnly),
            Unary<AuthUserRevokeRoleRequest, AuthUserRevokeRoleResponse>("/etcdserverpb.Auth/UserRevokeRole", () => new() { Name = "y", Role = "r" }, RootOnly),
            Unary<AuthRoleAddRequest, AuthRoleAddResponse>("/etcdserverpb.Auth/RoleAdd", () => new() { Name = "added-role" }, RootOnly),
            Unary<AuthRoleGetRequest, AuthRoleGetResponse>("/etcdserverpb.Auth/RoleGet", () => new() { Role = "r" }, KeyChecked),
            Unary<AuthRoleListRequest, AuthRoleListResponse>("/etcdserverpb.Auth/RoleList", () => new(), RootOnly),
            Unary<AuthRoleDeleteRequest, AuthRoleDeleteResponse>("/etcdserverpb.Auth/RoleDelete", () => new() { Role = "r-del" }, RootOnly),
            Unary<AuthRoleGrantPermissionRequest, AuthRoleGrantPermissionResponse>("/etcdserverpb.Auth/RoleGrantPermission", () => new()
            {
                Name = "r-tmp",
                Perm = new Permission { PermType = Permission.Types.Type.Read, Key = B("k"), RangeEnd = B("l") },
            }, RootOnly),
            Unary<AuthRoleRevokePermissionRequest, AuthRoleRevokePermissionResponse>("/etcdserverpb.Auth/RoleRevokePermission",
                () => new() { Role = "r-tmp", Key = B("k"), RangeEnd = B("l") }, RootOnly),
            // Last: root's call turns auth off.
            Unary<AuthDisableRequest, AuthDisableResponse>("/etcdserverpb.Auth/AuthDisable", () => new(), RootOnly),
        ];
    }

    [Fact]
    public async Task EveryRpc_ByCaller_AnswersAsEtcd()
    {
        var table = Table();
        var registered = EtcdServices.Register(new GrpcServiceRegistry(), _auth.Server).Methods.Select(m => m.FullName).ToHashSet();
        Assert.Empty(registered.Except(table.Select(r => r.Method)));
        Assert.Empty(table.Select(r => r.Method).Except(registered));

        string?[] tokens = [null, _auth.NoRoleToken, _auth.UserToken, _auth.RootToken];
        string[] callers = ["no token", "no role", "role r", "root"];
        var mismatches = new List<string>();
        foreach (var row in table)
        {
            for (int i = 0; i < tokens.Length; i++)
            {
                var actual = await row.Call(tokens[i]);
                if (actual != row.Expected[i]) mismatches.Add($"{row.Method} as {callers[i]}: expected \"{row.Expected[i]}\", got \"{actual}\"");
            }
        }
        Assert.True(mismatches.Count == 0, string.Join('\n', mismatches));
    }

    /// <summary>A lease with key "b" attached, made by root.</summary>
    private async Task<long> LeaseWithKeyAsync()
    {
        var lease = await _auth.CallAsync<LeaseGrantRequest, LeaseGrantResponse>("/etcdserverpb.Lease/LeaseGrant", new() { TTL = 60 }, _auth.RootToken);
        await _auth.CallAsync<PutRequest, PutResponse>("/etcdserverpb.KV/Put", new() { Key = B("b"), Value = B("leased"), Lease = lease.ID }, _auth.RootToken);
        return lease.ID;
    }

    /// <summary>A watch create on "b": created, or refused with a created-and-canceled answer.</summary>
    private async Task<string> WatchAsync(string? token)
    {
        await using var call = _auth.Member.Channel.Duplex("/etcdserverpb.Watch/Watch",
            ProtoMarshaller.For<WatchRequest>(), ProtoMarshaller.For<WatchResponse>(), Metadata(token));
        await call.WriteAsync(new WatchRequest { CreateRequest = new WatchCreateRequest { Key = B("b") } });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        Assert.True(await call.Responses.MoveNextAsync(timeout.Token));
        var response = call.Responses.Current;
        Assert.True(response.Created);
        return response.Canceled ? $"canceled: {response.CancelReason}" : Ok;
    }

    private async Task<string> KeepAliveAsync(string? token)
    {
        var lease = await _auth.CallAsync<LeaseGrantRequest, LeaseGrantResponse>("/etcdserverpb.Lease/LeaseGrant", new() { TTL = 60 }, _auth.RootToken);
        await using var call = _auth.Member.Channel.Duplex("/etcdserverpb.Lease/LeaseKeepAlive",
            ProtoMarshaller.For<LeaseKeepAliveRequest>(), ProtoMarshaller.For<LeaseKeepAliveResponse>(), Metadata(token));
        await call.WriteAsync(new LeaseKeepAliveRequest { ID = lease.ID });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        return await Outcome(async () =>
        {
            Assert.True(await call.Responses.MoveNextAsync(timeout.Token));
            Assert.True(call.Responses.Current.TTL > 0);
        });
    }

    private Task<string> SnapshotAsync(string? token) => Outcome(async () =>
    {
        await foreach (var _ in _auth.Member.Channel.ServerStreaming("/etcdserverpb.Maintenance/Snapshot", new SnapshotRequest(),
            ProtoMarshaller.For<SnapshotRequest>(), ProtoMarshaller.For<SnapshotResponse>(), Metadata(token), TimeSpan.FromSeconds(30)))
        {
        }
    });
}
