using EtcdNet.Api.Authpb;
using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Storage;
using Google.Protobuf;

namespace EtcdNet.Auth;

/// <summary>User operations, applied in log order.</summary>
public sealed partial class AuthStore
{
    /// <summary>
    /// Adds a user. The proposer sets <c>HashedPassword</c> (<see cref="HashPassword"/>) so that the clear password
    /// never enters the log; a request that still carries a clear password is hashed here. no_password users get none.
    /// </summary>
    public AuthUserAddResponse UserAdd(AuthUserAddRequest r)
    {
        if (r.Name.Length == 0) throw new AuthException(AuthError.UserEmpty);
        bool noPassword = r.Options is { NoPassword: true };
        using BatchTx.Scope scope = _backend.BatchTx.Lock();
        lock (_mu)
        {
            if (_users.ContainsKey(r.Name)) throw new AuthException(AuthError.UserAlreadyExist);
            var user = new User
            {
                Name = ByteString.CopyFromUtf8(r.Name),
                Password = noPassword ? ByteString.Empty : PasswordOf(r.HashedPassword, r.Password),
                Options = r.Options?.Clone() ?? new UserAddOptions { NoPassword = false },
            };
            PutUser(user);
            CommitRevision();
            RefreshPermissions();
        }
        return new AuthUserAddResponse();
    }

    /// <summary>Deletes a user and their tokens; the root user can't be deleted while auth is on.</summary>
    public AuthUserDeleteResponse UserDelete(AuthUserDeleteRequest r)
    {
        using BatchTx.Scope scope = _backend.BatchTx.Lock();
        lock (_mu)
        {
            if (_enabled && r.Name == RootUser) throw new AuthException(AuthError.InvalidAuthMgmt);
            if (!_users.Remove(r.Name)) throw new AuthException(AuthError.UserNotFound);
            AuthBuckets.DeleteUser(_backend.BatchTx, r.Name);
            CommitRevision();
            RefreshPermissions();
            _tokens.InvalidateUser(r.Name);
        }
        return new AuthUserDeleteResponse();
    }

    /// <summary>Replaces a user's password hash (see <see cref="UserAdd"/>) and drops their tokens.</summary>
    public AuthUserChangePasswordResponse UserChangePassword(AuthUserChangePasswordRequest r)
    {
        ByteString password = PasswordOf(r.HashedPassword, r.Password);
        using BatchTx.Scope scope = _backend.BatchTx.Lock();
        lock (_mu)
        {
            if (!_users.TryGetValue(r.Name, out User? user)) throw new AuthException(AuthError.UserNotFound);
            User updated = user.Clone();
            updated.Password = password;
            PutUser(updated);
            CommitRevision();
            RefreshPermissions();
            _tokens.InvalidateUser(r.Name);
        }
        return new AuthUserChangePasswordResponse();
    }

    /// <summary>
    /// Grants a role to a user, keeping the user's roles sorted. The root role needs no role record; granting a role
    /// the user already has changes nothing (not even the revision).
    /// </summary>
    public AuthUserGrantRoleResponse UserGrantRole(AuthUserGrantRoleRequest r)
    {
        using BatchTx.Scope scope = _backend.BatchTx.Lock();
        lock (_mu)
        {
            if (!_users.TryGetValue(r.User, out User? user)) throw new AuthException(AuthError.UserNotFound);
            if (r.Role != RootRole && !_roles.ContainsKey(r.Role)) throw new AuthException(AuthError.RoleNotFound);
            if (user.Roles.Contains(r.Role)) return new AuthUserGrantRoleResponse();
            User updated = user.Clone();
            List<string> roles = [.. updated.Roles, r.Role];
            roles.Sort(Utf8Order.Instance);
            updated.Roles.Clear();
            updated.Roles.AddRange(roles);
            PutUser(updated);
            CommitRevision();
            RefreshPermissions();
        }
        return new AuthUserGrantRoleResponse();
    }

    /// <summary>Revokes a role from a user; root can't lose the root role while auth is on.</summary>
    public AuthUserRevokeRoleResponse UserRevokeRole(AuthUserRevokeRoleRequest r)
    {
        using BatchTx.Scope scope = _backend.BatchTx.Lock();
        lock (_mu)
        {
            if (_enabled && r.Name == RootUser && r.Role == RootRole) throw new AuthException(AuthError.InvalidAuthMgmt);
            if (!_users.TryGetValue(r.Name, out User? user)) throw new AuthException(AuthError.UserNotFound);
            if (!user.Roles.Contains(r.Role)) throw new AuthException(AuthError.RoleNotGranted);
            PutUserWithoutRole(user, r.Role);
            CommitRevision();
            RefreshPermissions();
        }
        return new AuthUserRevokeRoleResponse();
    }

    /// <summary>Stores a copy of the user without the role (the records in memory are never changed in place).</summary>
    private void PutUserWithoutRole(User user, string role)
    {
        User updated = user.Clone();
        updated.Roles.Clear();
        updated.Roles.AddRange(user.Roles.Where(x => x != role));
        PutUser(updated);
    }

    /// <summary>A user's roles, sorted.</summary>
    public AuthUserGetResponse UserGet(AuthUserGetRequest r)
    {
        lock (_mu)
        {
            if (!_users.TryGetValue(r.Name, out User? user)) throw new AuthException(AuthError.UserNotFound);
            var response = new AuthUserGetResponse();
            response.Roles.AddRange(user.Roles);
            return response;
        }
    }

    /// <summary>All user names, in the backend's (byte) order.</summary>
    public AuthUserListResponse UserList(AuthUserListRequest r)
    {
        var response = new AuthUserListResponse();
        lock (_mu) response.Users.AddRange(_users.Keys.Order(Utf8Order.Instance));
        return response;
    }

    /// <summary>Whether the user exists and holds the role.</summary>
    public bool HasRole(string user, string role)
    {
        lock (_mu) return _users.TryGetValue(user, out User? u) && u.Roles.Contains(role);
    }

    private ByteString PasswordOf(string hashedPassword, string password) =>
        ByteString.CopyFromUtf8(hashedPassword.Length > 0 ? hashedPassword : HashPassword(password));

    // Persists and caches a user; the caller holds the writer lock and _mu.
    private void PutUser(User user)
    {
        AuthBuckets.PutUser(_backend.BatchTx, user);
        _users[user.Name.ToStringUtf8()] = user;
    }
}
