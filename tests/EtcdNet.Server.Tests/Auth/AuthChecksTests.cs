using System.Text;
using EtcdNet.Api.Authpb;
using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Auth;
using EtcdNet.Grpc;
using EtcdNet.Server.Services;
using EtcdNet.TestKit;
using static EtcdNet.Server.Tests.Auth.AuthMember;

namespace EtcdNet.Server.Tests.Auth;

/// <summary>Where etcd checks permissions: every op and compare of a txn, nested ones too; tokens; the auth revision.</summary>
public sealed class AuthChecksTests : IAsyncLifetime
{
    private AuthMember _auth = null!;

    public async Task InitializeAsync() => _auth = await AuthMember.StartAsync();

    public async Task DisposeAsync() => await _auth.DisposeAsync();

    private Task<TxnResponse> Txn(TxnRequest txn, string? token) =>
        _auth.CallAsync<TxnRequest, TxnResponse>("/etcdserverpb.KV/Txn", txn, token);

    private static RequestOp Put(string key) => new() { RequestPut = new PutRequest { Key = B(key), Value = B("v") } };

    private static RequestOp Get(string key) => new() { RequestRange = new RangeRequest { Key = B(key) } };

    private static async Task AssertFails(string message, Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(message, e.Detail);
    }

    public static TheoryData<string, TxnRequest> TxnsTouchingD => new()
    {
        { "compare", new TxnRequest { Compare = { new Compare { Key = B("d"), Target = Compare.Types.CompareTarget.Version } }, Success = { Put("a") } } },
        { "then branch", new TxnRequest { Success = { Put("a"), Get("d") } } },
        // Only one branch runs, but both are checked before either could.
        { "else branch", new TxnRequest { Success = { Put("a") }, Failure = { Put("d") } } },
        { "nested txn", new TxnRequest { Success = { new RequestOp { RequestTxn = new TxnRequest { Failure = { Put("d") } } } } } },
        { "nested compare", new TxnRequest { Success = { new RequestOp { RequestTxn = new TxnRequest { Compare = { new Compare { Key = B("d") } } } } } } },
        { "delete range", new TxnRequest { Success = { new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = B("a"), RangeEnd = B("e") } } } } },
    };

    [Theory]
    [MemberData(nameof(TxnsTouchingD))]
    public async Task Txn_AnyPartOutsideThePermission_IsDeniedAndChangesNothing(string part, TxnRequest txn)
    {
        Assert.NotNull(part);
        await AssertFails("etcdserver: permission denied", () => Txn(txn, _auth.UserToken));
        var range = await _auth.CallAsync<RangeRequest, RangeResponse>("/etcdserverpb.KV/Range", new() { Key = B("a") }, _auth.RootToken);
        Assert.Empty(range.Kvs);
        // The same txn as root goes through: the refusal was the permission, not the request.
        await Txn(txn, _auth.RootToken);
    }

    [Fact]
    public async Task Txn_AllInsideThePermission_Succeeds()
    {
        var txn = new TxnRequest
        {
            Compare = { new Compare { Key = B("a"), RangeEnd = B("c"), Target = Compare.Types.CompareTarget.Version } },
            Success = { Put("a"), new RequestOp { RequestTxn = new TxnRequest { Success = { Get("b") } } } },
            Failure = { Put("b") },
        };
        var response = await Txn(txn, _auth.UserToken);
        Assert.Equal(2, response.Responses.Count);
    }

    [Fact]
    public async Task WriteOnlyRole_PutWithPrevKv_NeedsRead()
    {
        await _auth.Auth<AuthRoleAddRequest, AuthRoleAddResponse>("RoleAdd", new() { Name = "w" });
        await _auth.Auth<AuthRoleGrantPermissionRequest, AuthRoleGrantPermissionResponse>("RoleGrantPermission", new()
        {
            Name = "w",
            Perm = new Permission { PermType = Permission.Types.Type.Write, Key = B("w") },
        });
        await _auth.Auth<AuthUserAddRequest, AuthUserAddResponse>("UserAdd", new() { Name = "writer", Password = "pw" });
        await _auth.Auth<AuthUserGrantRoleRequest, AuthUserGrantRoleResponse>("UserGrantRole", new() { User = "writer", Role = "w" });
        var token = await _auth.TokenAsync("writer", "pw");

        await _auth.CallAsync<PutRequest, PutResponse>("/etcdserverpb.KV/Put", new() { Key = B("w"), Value = B("1") }, token);
        await AssertFails("etcdserver: permission denied",
            () => _auth.CallAsync<PutRequest, PutResponse>("/etcdserverpb.KV/Put", new() { Key = B("w"), Value = B("2"), PrevKv = true }, token));
        await AssertFails("etcdserver: permission denied",
            () => _auth.CallAsync<RangeRequest, RangeResponse>("/etcdserverpb.KV/Range", new() { Key = B("w"), Serializable = true }, token));
        await AssertFails("etcdserver: permission denied",
            () => _auth.CallAsync<DeleteRangeRequest, DeleteRangeResponse>("/etcdserverpb.KV/DeleteRange", new() { Key = B("w"), PrevKv = true }, token));
        await _auth.CallAsync<DeleteRangeRequest, DeleteRangeResponse>("/etcdserverpb.KV/DeleteRange", new() { Key = B("w") }, token);
    }

    [Fact]
    public async Task UnknownToken_IsInvalidAuthToken_ForReadsWritesAndWatches()
    {
        const string token = "notatoken.1";
        var read = await Assert.ThrowsAsync<RpcException>(() => _auth.CallAsync<RangeRequest, RangeResponse>("/etcdserverpb.KV/Range", new() { Key = B("a") }, token));
        Assert.Equal((StatusCode.Unauthenticated, "etcdserver: invalid auth token"), (read.StatusCode, read.Detail));
        var write = await Assert.ThrowsAsync<RpcException>(() => _auth.CallAsync<PutRequest, PutResponse>("/etcdserverpb.KV/Put", new() { Key = B("a") }, token));
        Assert.Equal((StatusCode.Unauthenticated, "etcdserver: invalid auth token"), (write.StatusCode, write.Detail));

        await using var call = _auth.Member.Channel.Duplex("/etcdserverpb.Watch/Watch",
            ProtoMarshaller.For<WatchRequest>(), ProtoMarshaller.For<WatchResponse>(), Metadata(token));
        await call.WriteAsync(new WatchRequest { CreateRequest = new WatchCreateRequest { Key = B("a") } });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        Assert.True(await call.Responses.MoveNextAsync(timeout.Token));
        var refused = call.Responses.Current;
        Assert.Equal((true, true, -1L, "etcdserver: invalid auth token"), (refused.Created, refused.Canceled, refused.WatchId, refused.CancelReason));
        // The stream stays usable: a create the caller may make still works on it.
        await call.WriteAsync(new WatchRequest { CreateRequest = new WatchCreateRequest { Key = B("a") } });
        Assert.True(await call.Responses.MoveNextAsync(timeout.Token));
        Assert.Equal("etcdserver: invalid auth token", call.Responses.Current.CancelReason);
    }

    [Fact]
    public async Task Token_FromAuthorizationMetadata_IsAccepted()
    {
        var range = await _auth.Member.Channel.UnaryAsync("/etcdserverpb.KV/Range", new RangeRequest { Key = B("b") },
            ProtoMarshaller.For<RangeRequest>(), ProtoMarshaller.For<RangeResponse>(),
            new Dictionary<string, string> { ["authorization"] = _auth.UserToken }, TimeSpan.FromSeconds(10));
        Assert.Empty(range.Kvs);
    }

    [Fact]
    public async Task WriteAuthorisedAtOlderAuthRevision_FailsAtApply_WithAuthOldRevision()
    {
        var old = _auth.Server.AuthStore.Revision;
        await _auth.Auth<AuthRoleAddRequest, AuthRoleAddResponse>("RoleAdd", new() { Name = "bump" });
        Assert.True(_auth.Server.AuthStore.Revision > old);

        // As a member would have proposed it just before the role was added.
        var stale = new InternalRaftRequest
        {
            Header = new RequestHeader { Username = "u", AuthRevision = old },
            Put = new PutRequest { Key = B("a"), Value = B("stale") },
        };
        var e = await Assert.ThrowsAsync<AuthException>(() => _auth.Server.ProposeAsync(stale, CancellationToken.None));
        Assert.Equal(AuthError.AuthOldRevision, e.Error);
        var current = new InternalRaftRequest
        {
            Header = new RequestHeader { Username = "u", AuthRevision = _auth.Server.AuthStore.Revision },
            Put = new PutRequest { Key = B("a"), Value = B("fresh") },
        };
        await _auth.Server.ProposeAsync(current, CancellationToken.None);
        var range = await _auth.CallAsync<RangeRequest, RangeResponse>("/etcdserverpb.KV/Range", new() { Key = B("a") }, _auth.RootToken);
        Assert.Equal("fresh", Assert.Single(range.Kvs).Value.ToStringUtf8());
    }

    [Fact]
    public async Task ExpiredLease_WithKeys_IsRevokedWhileAuthIsOn()
    {
        var lease = await _auth.CallAsync<LeaseGrantRequest, LeaseGrantResponse>("/etcdserverpb.Lease/LeaseGrant", new() { TTL = 1 }, _auth.UserToken);
        await _auth.CallAsync<PutRequest, PutResponse>("/etcdserverpb.KV/Put", new() { Key = B("b"), Value = B("v"), Lease = lease.ID }, _auth.UserToken);
        await Eventually.TrueAsync(async () =>
        {
            var range = await _auth.CallAsync<RangeRequest, RangeResponse>("/etcdserverpb.KV/Range", new() { Key = B("b") }, _auth.RootToken);
            return range.Kvs.Count == 0;
        }, TimeSpan.FromSeconds(20), "the expired lease's key to be deleted");
    }

    [Fact]
    public async Task Authenticate_WrongPasswordUnknownUserAndNoPasswordUser_AreRefused()
    {
        await AssertFails("etcdserver: authentication failed, invalid user ID or password", () => _auth.TokenAsync("u", "nope"));
        await AssertFails("etcdserver: authentication failed, invalid user ID or password", () => _auth.TokenAsync("nobody", "x"));
        await _auth.Auth<AuthUserAddRequest, AuthUserAddResponse>("UserAdd", new() { Name = "np", Options = new UserAddOptions { NoPassword = true } });
        var e = await Assert.ThrowsAsync<RpcException>(() => _auth.TokenAsync("np", ""));
        Assert.Contains("authentication failed", e.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChangedPassword_OldOneFails_NewOneWorks()
    {
        await _auth.Auth<AuthUserChangePasswordRequest, AuthUserChangePasswordResponse>("UserChangePassword", new() { Name = "u", Password = "new" });
        await AssertFails("etcdserver: authentication failed, invalid user ID or password", () => _auth.TokenAsync("u", UserPassword));
        var token = await _auth.TokenAsync("u", "new");
        await _auth.CallAsync<PutRequest, PutResponse>("/etcdserverpb.KV/Put", new() { Key = B("a"), Value = B("v") }, token);
    }

    [Fact]
    public async Task AuthStatus_ReportsEnabledAndRevision()
    {
        var status = await _auth.CallAsync<AuthStatusRequest, AuthStatusResponse>("/etcdserverpb.Auth/AuthStatus", new(), null);
        Assert.True(status.Enabled);
        Assert.Equal(_auth.Server.AuthStore.Revision, status.AuthRevision);
        Assert.Equal(_auth.Server.MemberId, status.Header.MemberId);
    }
}
