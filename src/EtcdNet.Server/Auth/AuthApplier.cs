using System.Globalization;
using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Auth;
using EtcdNet.Lease;
using EtcdNet.Mvcc;
using EtcdNet.Server.Apply;

namespace EtcdNet.Server.Auth;

/// <summary>
/// The auth side of applying an entry (etcd's authApplierV3 and the auth arms of its backend applier): every entry
/// is checked against the user and auth revision its proposer stamped in the header, on every member alike, so a
/// write authorised against an auth state that has changed since fails with "revision of auth store is old"; auth
/// requests are then applied to the store. Runs on the apply loop only.
/// </summary>
public sealed class AuthApplier(AuthStore store, Lessor lessor, KvStore kv)
{
    /// <summary>Throws the store's <see cref="AuthException"/> when the entry's user may not do what it asks.</summary>
    public void Check(InternalRaftRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!store.IsEnabled) return;
        var info = new AuthInfo(request.Header?.Username ?? "", request.Header?.AuthRevision ?? 0);
        if (NeedsAdmin(request)) store.IsAdminPermitted(info);
        switch (request)
        {
            case { Put: { } put }:
                RequestPermissions.CheckPut(store, lessor, info, put);
                break;
            case { DeleteRange: { } delete }:
                RequestPermissions.CheckDeleteRange(store, info, delete);
                break;
            case { Txn: { } txn }:
                RequestPermissions.CheckTxn(store, lessor, info, txn);
                break;
            case { LeaseRevoke: { } revoke }:
                RequestPermissions.CheckLeasePuts(store, lessor, info, revoke.ID);
                break;
            case { AuthUserGet: { } userGet }:
                // A user may read their own roles.
                if (userGet.Name != info.Username) store.IsAdminPermitted(info);
                break;
            case { AuthRoleGet: { } roleGet }:
                // A user may read the roles they hold.
                if (!store.HasRole(info.Username, roleGet.Role)) store.IsAdminPermitted(info);
                break;
        }
    }

    /// <summary>Applies an auth request to the store; null when the entry is not one.</summary>
    public ApplyResult? Apply(InternalRaftRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Google.Protobuf.IMessage? response = request switch
        {
            { AuthEnable: not null } => Enable(),
            { AuthDisable: not null } => Disable(),
            // A simple token ends with the entry's index, as etcd's does: every member assigns the same one.
            { Authenticate: { } a } => store.Authenticate(a.Name, SimpleToken(a.SimpleToken)),
            { AuthUserAdd: { } r } => store.UserAdd(r),
            { AuthUserDelete: { } r } => store.UserDelete(r),
            { AuthUserGet: { } r } => store.UserGet(r),
            { AuthUserChangePassword: { } r } => store.UserChangePassword(r),
            { AuthUserGrantRole: { } r } => store.UserGrantRole(r),
            { AuthUserRevokeRole: { } r } => store.UserRevokeRole(r),
            { AuthUserList: { } r } => store.UserList(r),
            { AuthRoleList: { } r } => store.RoleList(r),
            { AuthRoleAdd: { } r } => store.RoleAdd(r),
            { AuthRoleDelete: { } r } => store.RoleDelete(r),
            { AuthRoleGet: { } r } => store.RoleGet(r),
            { AuthRoleGrantPermission: { } r } => store.RoleGrantPermission(r),
            { AuthRoleRevokePermission: { } r } => store.RoleRevokePermission(r),
            _ => null,
        };
        return response is null ? null : new ApplyResult(response);
    }

    private AuthEnableResponse Enable()
    {
        store.AuthEnable();
        return new AuthEnableResponse { Header = new ResponseHeader() };
    }

    private AuthDisableResponse Disable()
    {
        store.AuthDisable();
        return new AuthDisableResponse { Header = new ResponseHeader() };
    }

    private string SimpleToken(string prefix) =>
        prefix.Length == 0 ? "" : prefix + "." + kv.ConsistentIndex.ToString(CultureInfo.InvariantCulture);

    /// <summary>etcd's needAdminPermission: auth management is root's, except reading one's own user or roles.</summary>
    private static bool NeedsAdmin(InternalRaftRequest r) =>
        r.AuthEnable is not null || r.AuthDisable is not null
        || r.AuthUserAdd is not null || r.AuthUserDelete is not null || r.AuthUserChangePassword is not null
        || r.AuthUserGrantRole is not null || r.AuthUserRevokeRole is not null
        || r.AuthRoleAdd is not null || r.AuthRoleGrantPermission is not null || r.AuthRoleRevokePermission is not null
        || r.AuthRoleDelete is not null || r.AuthUserList is not null || r.AuthRoleList is not null;
}
