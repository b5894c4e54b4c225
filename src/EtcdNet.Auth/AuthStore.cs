using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Storage;

namespace EtcdNet.Auth;

/// <summary>etcd's auth store: the enabled flag, users, roles, their range permissions and the auth revision.</summary>
public sealed class AuthStore : IDisposable
{
    /// <summary>Opens the store over the backend's auth buckets, loading whatever is persisted there.</summary>
    public AuthStore(Backend backend, ITokenProvider tokens, int bcryptCost, TimeProvider time) => throw new NotImplementedException();

    /// <summary>Whether auth is enabled.</summary>
    public bool IsEnabled => throw new NotImplementedException();

    /// <summary>The auth revision, bumped by every change to auth state.</summary>
    public ulong Revision => throw new NotImplementedException();

    /// <summary>Cost of password hashes made by <see cref="HashPassword"/>.</summary>
    public int BcryptCost => throw new NotImplementedException();

    /// <summary>Reloads everything after the backend's contents were replaced (raft snapshot).</summary>
    public void Recover() => throw new NotImplementedException();

    /// <summary>Turns auth on; the root user must exist and hold the root role.</summary>
    public void AuthEnable() => throw new NotImplementedException();

    /// <summary>Turns auth off.</summary>
    public void AuthDisable() => throw new NotImplementedException();

    /// <summary>Issues a token for an already checked user.</summary>
    public AuthenticateResponse Authenticate(string name, string simpleToken) => throw new NotImplementedException();

    /// <summary>Adds a user.</summary>
    public AuthUserAddResponse UserAdd(AuthUserAddRequest r) => throw new NotImplementedException();

    /// <summary>Deletes a user.</summary>
    public AuthUserDeleteResponse UserDelete(AuthUserDeleteRequest r) => throw new NotImplementedException();

    /// <summary>Replaces a user's password hash.</summary>
    public AuthUserChangePasswordResponse UserChangePassword(AuthUserChangePasswordRequest r) => throw new NotImplementedException();

    /// <summary>Grants a role to a user.</summary>
    public AuthUserGrantRoleResponse UserGrantRole(AuthUserGrantRoleRequest r) => throw new NotImplementedException();

    /// <summary>Revokes a role from a user.</summary>
    public AuthUserRevokeRoleResponse UserRevokeRole(AuthUserRevokeRoleRequest r) => throw new NotImplementedException();

    /// <summary>A user's roles.</summary>
    public AuthUserGetResponse UserGet(AuthUserGetRequest r) => throw new NotImplementedException();

    /// <summary>All user names, sorted.</summary>
    public AuthUserListResponse UserList(AuthUserListRequest r) => throw new NotImplementedException();

    /// <summary>Adds a role.</summary>
    public AuthRoleAddResponse RoleAdd(AuthRoleAddRequest r) => throw new NotImplementedException();

    /// <summary>A role's permissions.</summary>
    public AuthRoleGetResponse RoleGet(AuthRoleGetRequest r) => throw new NotImplementedException();

    /// <summary>All role names, sorted.</summary>
    public AuthRoleListResponse RoleList(AuthRoleListRequest r) => throw new NotImplementedException();

    /// <summary>Deletes a role and revokes it from every user.</summary>
    public AuthRoleDeleteResponse RoleDelete(AuthRoleDeleteRequest r) => throw new NotImplementedException();

    /// <summary>Grants (or replaces) a permission on a key range to a role.</summary>
    public AuthRoleGrantPermissionResponse RoleGrantPermission(AuthRoleGrantPermissionRequest r) => throw new NotImplementedException();

    /// <summary>Revokes a role's permission on exactly the given key range.</summary>
    public AuthRoleRevokePermissionResponse RoleRevokePermission(AuthRoleRevokePermissionRequest r) => throw new NotImplementedException();

    /// <summary>A salted slow hash of the password at <see cref="BcryptCost"/>.</summary>
    public string HashPassword(string password) => throw new NotImplementedException();

    /// <summary>Checks a user's password; returns the current revision.</summary>
    public ulong CheckPassword(string name, string password) => throw new NotImplementedException();

    /// <summary>A random prefix for a simple token (the server appends "." and a request id).</summary>
    public string GenerateSimpleTokenPrefix() => throw new NotImplementedException();

    /// <summary>
    /// The identity behind a token: null when auth is disabled or the token is empty;
    /// throws <see cref="AuthError.InvalidAuthToken"/> for an unknown, expired or forged token.
    /// </summary>
    public AuthInfo? AuthInfoFromToken(string token) => throw new NotImplementedException();

    /// <summary>Throws unless the user may write the key.</summary>
    public void IsPutPermitted(AuthInfo? info, ReadOnlySpan<byte> key) => throw new NotImplementedException();

    /// <summary>Throws unless the user may read the key or range.</summary>
    public void IsRangePermitted(AuthInfo? info, ReadOnlySpan<byte> key, ReadOnlySpan<byte> rangeEnd) => throw new NotImplementedException();

    /// <summary>Throws unless the user may delete the key or range.</summary>
    public void IsDeleteRangePermitted(AuthInfo? info, ReadOnlySpan<byte> key, ReadOnlySpan<byte> rangeEnd) => throw new NotImplementedException();

    /// <summary>Throws unless the user holds the root role.</summary>
    public void IsAdminPermitted(AuthInfo? info) => throw new NotImplementedException();

    /// <summary>Whether the user exists and holds the role.</summary>
    public bool HasRole(string user, string role) => throw new NotImplementedException();

    /// <inheritdoc />
    public void Dispose() => throw new NotImplementedException();
}
