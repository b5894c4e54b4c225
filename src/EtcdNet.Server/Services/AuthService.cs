using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Grpc;
using Google.Protobuf;

namespace EtcdNet.Server.Services;

/// <summary>
/// etcdserverpb.Auth: every change to auth state (and every read of it but AuthStatus) goes through the log, stamped
/// with the caller's identity so that the apply loop checks it in order. Passwords are checked and hashed here, on
/// the member that received them, so that no password ever reaches the log.
/// </summary>
public sealed class AuthService(EtcdServer server)
{
    public ValueTask<AuthEnableResponse> AuthEnable(AuthEnableRequest request, CallContext context) =>
        Propose(new InternalRaftRequest { AuthEnable = request }, (AuthEnableResponse r) => r.Header ??= new(), context);

    public ValueTask<AuthDisableResponse> AuthDisable(AuthDisableRequest request, CallContext context) =>
        Propose(new InternalRaftRequest { AuthDisable = request }, (AuthDisableResponse r) => r.Header ??= new(), context);

    /// <summary>etcd 3.5's AuthStatus: whether auth is on and its revision, as of a linearizable read.</summary>
    public async ValueTask<AuthStatusResponse> AuthStatus(AuthStatusRequest request, CallContext context)
    {
        await server.LinearizableReadAsync(context.CancellationToken).ConfigureAwait(false);
        return new AuthStatusResponse { Header = server.NewHeader(), Enabled = server.AuthStore.IsEnabled, AuthRevision = server.AuthStore.Revision };
    }

    /// <summary>
    /// etcd's Authenticate: the password is checked here against the store as of a linearizable read; the log gets
    /// only the name and a token prefix. If auth state changed between the check and the apply (a password changed,
    /// the user was deleted), the check is repeated against the new state.
    /// </summary>
    public async ValueTask<AuthenticateResponse> Authenticate(AuthenticateRequest request, CallContext context)
    {
        await server.LinearizableReadAsync(context.CancellationToken).ConfigureAwait(false);
        while (true)
        {
            var checkedRevision = server.AuthStore.CheckPassword(request.Name, request.Password);
            var entry = new InternalAuthenticateRequest { Name = request.Name, SimpleToken = server.AuthStore.GenerateSimpleTokenPrefix() };
            var response = await Propose(new InternalRaftRequest { Authenticate = entry }, (AuthenticateResponse r) => r.Header ??= new(), context)
                .ConfigureAwait(false);
            if (checkedRevision == server.AuthStore.Revision) return response;
        }
    }

    /// <summary>The password is hashed before it is proposed (etcd 3.5); a no-password user or a client's own hash passes as given.</summary>
    public ValueTask<AuthUserAddResponse> UserAdd(AuthUserAddRequest request, CallContext context)
    {
        var entry = request.Clone();
        if (entry.Options?.NoPassword == true)
        {
            entry.HashedPassword = "";
        }
        else if (entry.HashedPassword.Length == 0)
        {
            entry.HashedPassword = server.AuthStore.HashPassword(entry.Password);
        }
        entry.Password = "";
        return Propose(new InternalRaftRequest { AuthUserAdd = entry }, (AuthUserAddResponse r) => r.Header ??= new(), context);
    }

    public ValueTask<AuthUserChangePasswordResponse> UserChangePassword(AuthUserChangePasswordRequest request, CallContext context)
    {
        var entry = request.Clone();
        if (entry.HashedPassword.Length == 0) entry.HashedPassword = server.AuthStore.HashPassword(entry.Password);
        entry.Password = "";
        return Propose(new InternalRaftRequest { AuthUserChangePassword = entry }, (AuthUserChangePasswordResponse r) => r.Header ??= new(), context);
    }

    public ValueTask<AuthUserGetResponse> UserGet(AuthUserGetRequest request, CallContext context) =>
        Propose(new InternalRaftRequest { AuthUserGet = request }, (AuthUserGetResponse r) => r.Header ??= new(), context);

    public ValueTask<AuthUserListResponse> UserList(AuthUserListRequest request, CallContext context) =>
        Propose(new InternalRaftRequest { AuthUserList = request }, (AuthUserListResponse r) => r.Header ??= new(), context);

    public ValueTask<AuthUserDeleteResponse> UserDelete(AuthUserDeleteRequest request, CallContext context) =>
        Propose(new InternalRaftRequest { AuthUserDelete = request }, (AuthUserDeleteResponse r) => r.Header ??= new(), context);

    public ValueTask<AuthUserGrantRoleResponse> UserGrantRole(AuthUserGrantRoleRequest request, CallContext context) =>
        Propose(new InternalRaftRequest { AuthUserGrantRole = request }, (AuthUserGrantRoleResponse r) => r.Header ??= new(), context);

    public ValueTask<AuthUserRevokeRoleResponse> UserRevokeRole(AuthUserRevokeRoleRequest request, CallContext context) =>
        Propose(new InternalRaftRequest { AuthUserRevokeRole = request }, (AuthUserRevokeRoleResponse r) => r.Header ??= new(), context);

    public ValueTask<AuthRoleAddResponse> RoleAdd(AuthRoleAddRequest request, CallContext context) =>
        Propose(new InternalRaftRequest { AuthRoleAdd = request }, (AuthRoleAddResponse r) => r.Header ??= new(), context);

    public ValueTask<AuthRoleGetResponse> RoleGet(AuthRoleGetRequest request, CallContext context) =>
        Propose(new InternalRaftRequest { AuthRoleGet = request }, (AuthRoleGetResponse r) => r.Header ??= new(), context);

    public ValueTask<AuthRoleListResponse> RoleList(AuthRoleListRequest request, CallContext context) =>
        Propose(new InternalRaftRequest { AuthRoleList = request }, (AuthRoleListResponse r) => r.Header ??= new(), context);

    public ValueTask<AuthRoleDeleteResponse> RoleDelete(AuthRoleDeleteRequest request, CallContext context) =>
        Propose(new InternalRaftRequest { AuthRoleDelete = request }, (AuthRoleDeleteResponse r) => r.Header ??= new(), context);

    public ValueTask<AuthRoleGrantPermissionResponse> RoleGrantPermission(AuthRoleGrantPermissionRequest request, CallContext context) =>
        Propose(new InternalRaftRequest { AuthRoleGrantPermission = request }, (AuthRoleGrantPermissionResponse r) => r.Header ??= new(), context);

    public ValueTask<AuthRoleRevokePermissionResponse> RoleRevokePermission(AuthRoleRevokePermissionRequest request, CallContext context) =>
        Propose(new InternalRaftRequest { AuthRoleRevokePermission = request }, (AuthRoleRevokePermissionResponse r) => r.Header ??= new(), context);

    private ValueTask<T> Propose<T>(InternalRaftRequest request, Func<T, ResponseHeader> header, CallContext context)
        where T : class, IMessage =>
        server.ProposeAsync(server.WithAuth(request, context), header, context.CancellationToken);
}
