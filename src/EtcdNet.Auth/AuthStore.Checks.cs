namespace EtcdNet.Auth;

/// <summary>Permission checks, callable from any thread (etcd's isOpPermitted and IsAdminPermitted).</summary>
public sealed partial class AuthStore
{
    /// <summary>Throws unless the user may write the key.</summary>
    public void IsPutPermitted(AuthInfo? info, ReadOnlySpan<byte> key) => CheckOp(info, key, [], write: true);

    /// <summary>Throws unless the user may read the key (empty range end) or range (range end "\0": to the end).</summary>
    public void IsRangePermitted(AuthInfo? info, ReadOnlySpan<byte> key, ReadOnlySpan<byte> rangeEnd) =>
        CheckOp(info, key, rangeEnd, write: false);

    /// <summary>Throws unless the user may delete the key or range.</summary>
    public void IsDeleteRangePermitted(AuthInfo? info, ReadOnlySpan<byte> key, ReadOnlySpan<byte> rangeEnd) =>
        CheckOp(info, key, rangeEnd, write: true);

    /// <summary>
    /// Throws unless the user holds the root role: UserEmpty without an identity, UserNotFound for an unknown user,
    /// PermissionDenied otherwise. Passes when auth is off. (etcd checks no revision here.)
    /// </summary>
    public void IsAdminPermitted(AuthInfo? info)
    {
        lock (_mu)
        {
            if (!_enabled) return;
            if (info is null || info.Username.Length == 0) throw new AuthException(AuthError.UserEmpty);
            if (!_users.TryGetValue(info.Username, out Api.Authpb.User? user)) throw new AuthException(AuthError.UserNotFound);
            if (!HasRootRole(user)) throw new AuthException(AuthError.PermissionDenied);
        }
    }

    // Passes when auth is off. Without an identity (revision 0): UserEmpty. Authorised against an older auth revision:
    // AuthOldRevision, so the client re-authenticates and sees current roles. Root passes; others need a permission.
    private void CheckOp(AuthInfo? info, ReadOnlySpan<byte> key, ReadOnlySpan<byte> rangeEnd, bool write)
    {
        lock (_mu)
        {
            if (!_enabled) return;
            if (info is null || info.Revision == 0) throw new AuthException(AuthError.UserEmpty);
            if (info.Revision < _revision) throw new AuthException(AuthError.AuthOldRevision);
            if (!_users.TryGetValue(info.Username, out Api.Authpb.User? user)) throw new AuthException(AuthError.PermissionDenied);
            if (HasRootRole(user)) return;
            if (_permissions.TryGetValue(info.Username, out RangePermissions? perms) && perms.Permits(write, key, rangeEnd)) return;
            throw new AuthException(AuthError.PermissionDenied);
        }
    }
}
