using EtcdNet.Api.Authpb;
using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Storage;
using Google.Protobuf;

namespace EtcdNet.Auth;

/// <summary>Role operations, applied in log order.</summary>
public sealed partial class AuthStore
{
    /// <summary>Adds a role with no permissions.</summary>
    public AuthRoleAddResponse RoleAdd(AuthRoleAddRequest r)
    {
        if (r.Name.Length == 0) throw new AuthException(AuthError.RoleEmpty);
        using BatchTx.Scope scope = _backend.BatchTx.Lock();
        lock (_mu)
        {
            if (_roles.ContainsKey(r.Name)) throw new AuthException(AuthError.RoleAlreadyExist);
            PutRole(new Role { Name = ByteString.CopyFromUtf8(r.Name) });
            CommitRevision();
        }
        return new AuthRoleAddResponse();
    }

    /// <summary>A role's permissions, sorted by key.</summary>
    public AuthRoleGetResponse RoleGet(AuthRoleGetRequest r)
    {
        lock (_mu)
        {
            if (!_roles.TryGetValue(r.Role, out Role? role)) throw new AuthException(AuthError.RoleNotFound);
            var response = new AuthRoleGetResponse();
            response.Perm.AddRange(role.KeyPermission.Select(p => p.Clone()));
            return response;
        }
    }

    /// <summary>All role names, in the backend's (byte) order.</summary>
    public AuthRoleListResponse RoleList(AuthRoleListRequest r)
    {
        var response = new AuthRoleListResponse();
        lock (_mu) response.Roles.AddRange(_roles.Keys.Order(Utf8Order.Instance));
        return response;
    }

    /// <summary>Deletes a role and revokes it from every user; the root role can't be deleted while auth is on.</summary>
    public AuthRoleDeleteResponse RoleDelete(AuthRoleDeleteRequest r)
    {
        using BatchTx.Scope scope = _backend.BatchTx.Lock();
        lock (_mu)
        {
            if (_enabled && r.Role == RootRole) throw new AuthException(AuthError.InvalidAuthMgmt);
            if (!_roles.Remove(r.Role)) throw new AuthException(AuthError.RoleNotFound);
            AuthBuckets.DeleteRole(_backend.BatchTx, r.Role);
            foreach (User user in _users.Values.Where(u => u.Roles.Contains(r.Role)).ToList())
            {
                PutUserWithoutRole(user, r.Role);
            }
            CommitRevision();
            RefreshPermissions();
        }
        return new AuthRoleDeleteResponse();
    }

    /// <summary>
    /// Grants a permission to a role. As etcd: when the first permission whose key is not below the new key has the
    /// same key and range end, its type is replaced; otherwise the permission is added and the list re-sorted by key.
    /// </summary>
    public AuthRoleGrantPermissionResponse RoleGrantPermission(AuthRoleGrantPermissionRequest r)
    {
        using BatchTx.Scope scope = _backend.BatchTx.Lock();
        lock (_mu)
        {
            if (!_roles.TryGetValue(r.Name, out Role? role)) throw new AuthException(AuthError.RoleNotFound);
            if (r.Perm is null) throw new AuthException(AuthError.PermissionNotGiven);
            Role updated = role.Clone();
            List<Permission> perms = [.. updated.KeyPermission];
            int idx = perms.FindIndex(p => p.Key.Span.SequenceCompareTo(r.Perm.Key.Span) >= 0);
            if (idx >= 0 && perms[idx].Key.Equals(r.Perm.Key) && perms[idx].RangeEnd.Equals(r.Perm.RangeEnd))
            {
                perms[idx].PermType = r.Perm.PermType;
            }
            else
            {
                perms.Add(new Permission { Key = r.Perm.Key, RangeEnd = r.Perm.RangeEnd, PermType = r.Perm.PermType });
                // Stable, so permissions sharing a key keep the order they were granted in.
                perms = [.. perms.OrderBy(p => p.Key.ToByteArray(), ByteOrder.Instance)];
            }
            updated.KeyPermission.Clear();
            updated.KeyPermission.AddRange(perms);
            PutRole(updated);
            CommitRevision();
            RefreshPermissions();
        }
        return new AuthRoleGrantPermissionResponse();
    }

    /// <summary>Revokes the role's permission on exactly this key and range end (PermissionNotGranted if it has none).</summary>
    public AuthRoleRevokePermissionResponse RoleRevokePermission(AuthRoleRevokePermissionRequest r)
    {
        using BatchTx.Scope scope = _backend.BatchTx.Lock();
        lock (_mu)
        {
            if (!_roles.TryGetValue(r.Role, out Role? role)) throw new AuthException(AuthError.RoleNotFound);
            Role updated = role.Clone();
            updated.KeyPermission.Clear();
            updated.KeyPermission.AddRange(role.KeyPermission.Where(p => !p.Key.Equals(r.Key) || !p.RangeEnd.Equals(r.RangeEnd)));
            if (updated.KeyPermission.Count == role.KeyPermission.Count) throw new AuthException(AuthError.PermissionNotGranted);
            PutRole(updated);
            CommitRevision();
            RefreshPermissions();
        }
        return new AuthRoleRevokePermissionResponse();
    }

    // Persists and caches a role; the caller holds the writer lock and _mu.
    private void PutRole(Role role)
    {
        AuthBuckets.PutRole(_backend.BatchTx, role);
        _roles[role.Name.ToStringUtf8()] = role;
    }

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static ByteOrder Instance { get; } = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
