using EtcdNet.Api.Authpb;
using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Storage;

namespace EtcdNet.Auth;

/// <summary>
/// etcd's auth store: the enabled flag, users, roles, their merged range permissions and the auth revision.
/// Changes come from the apply loop, in log order, and are written to the backend's batch tx; checks and password
/// verification come from any thread and read an in-memory copy kept under one lock.
/// </summary>
public sealed partial class AuthStore : IDisposable
{
    /// <summary>The user that must exist, holding <see cref="RootRole"/>, before auth can be enabled.</summary>
    public const string RootUser = "root";

    /// <summary>The role that passes every check.</summary>
    public const string RootRole = "root";

    /// <summary>bcrypt's bounds and default; a cost outside the bounds falls back to the default, as in etcd.</summary>
    public const int MinBcryptCost = 4, MaxBcryptCost = 31, DefaultBcryptCost = 10;

    private readonly Backend _backend;
    private readonly ITokenProvider _tokens;
    private readonly TimeProvider _time;

    // Guards everything below. Lock order: the backend's writer lock first, then this one.
    private readonly Lock _mu = new();
    private readonly Dictionary<string, User> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Role> _roles = new(StringComparer.Ordinal);
    private Dictionary<string, RangePermissions> _permissions = new(StringComparer.Ordinal);
    private bool _enabled;
    private ulong _revision;

    /// <summary>
    /// Opens the store over the backend's auth buckets, loading whatever is persisted there. The store owns
    /// <paramref name="tokens"/> and disposes it. A fresh store starts at revision 1, as etcd's does.
    /// </summary>
    public AuthStore(Backend backend, ITokenProvider tokens, int bcryptCost, TimeProvider time)
    {
        _backend = backend;
        _tokens = tokens;
        _time = time;
        BcryptCost = bcryptCost is < MinBcryptCost or > MaxBcryptCost ? DefaultBcryptCost : bcryptCost;
        using (backend.BatchTx.Lock())
        {
            Load();
            if (_revision == 0)
            {
                lock (_mu) CommitRevision();
                backend.Commit();
            }
        }
    }

    /// <summary>Whether auth is enabled.</summary>
    public bool IsEnabled
    {
        get
        {
            lock (_mu) return _enabled;
        }
    }

    /// <summary>The auth revision, bumped by every change to auth state that etcd counts.</summary>
    public ulong Revision
    {
        get
        {
            lock (_mu) return _revision;
        }
    }

    /// <summary>Cost of password hashes made by <see cref="HashPassword"/>.</summary>
    public int BcryptCost { get; }

    /// <summary>The clock the token providers expire tokens by.</summary>
    public TimeProvider Time => _time;

    /// <summary>Reloads everything after the backend's contents were replaced (raft snapshot).</summary>
    public void Recover()
    {
        using (_backend.BatchTx.Lock()) Load();
    }

    /// <summary>
    /// Turns auth on; the root user must exist and hold the root role. Enabling twice is a no-op, and enabling does not
    /// bump the revision (etcd's AuthEnable doesn't).
    /// </summary>
    public void AuthEnable()
    {
        using BatchTx.Scope scope = _backend.BatchTx.Lock();
        lock (_mu)
        {
            if (_enabled) return;
            if (!_users.TryGetValue(RootUser, out User? root)) throw new AuthException(AuthError.RootUserNotExist);
            if (!HasRootRole(root)) throw new AuthException(AuthError.RootRoleNotExist);
            AuthBuckets.WriteEnabled(_backend.BatchTx, true);
            _enabled = true;
            _tokens.Enable();
            RefreshPermissions();
        }
    }

    /// <summary>Turns auth off and forgets issued tokens; a no-op when already off.</summary>
    public void AuthDisable()
    {
        using BatchTx.Scope scope = _backend.BatchTx.Lock();
        lock (_mu)
        {
            if (!_enabled) return;
            AuthBuckets.WriteEnabled(_backend.BatchTx, false);
            CommitRevision();
            _enabled = false;
            _tokens.Disable();
        }
    }

    /// <summary>
    /// Issues a token for a user whose password the proposer already checked (<see cref="CheckPassword"/>).
    /// <paramref name="simpleToken"/> is the token the proposer chose; the simple provider hands out exactly that one.
    /// </summary>
    public AuthenticateResponse Authenticate(string name, string simpleToken)
    {
        lock (_mu)
        {
            if (!_enabled) throw new AuthException(AuthError.AuthNotEnabled);
            if (!_users.TryGetValue(name, out User? user) || IsNoPassword(user)) throw new AuthException(AuthError.AuthFailed);
            return new AuthenticateResponse { Token = _tokens.Assign(name, _revision, simpleToken) };
        }
    }

    /// <summary>A salted bcrypt hash ($2a$) of the password at <see cref="BcryptCost"/>; slow on purpose.</summary>
    public string HashPassword(string password) => Bcrypt.Hash(password, BcryptCost);

    /// <summary>
    /// Checks a user's password before an Authenticate is proposed; returns the auth revision it was checked at.
    /// AuthNotEnabled when auth is off, NoPasswordUser for a user added with no_password, AuthFailed otherwise.
    /// </summary>
    public ulong CheckPassword(string name, string password)
    {
        byte[] hash;
        ulong revision;
        lock (_mu)
        {
            if (!_enabled) throw new AuthException(AuthError.AuthNotEnabled);
            if (!_users.TryGetValue(name, out User? user)) throw new AuthException(AuthError.AuthFailed);
            if (IsNoPassword(user)) throw new AuthException(AuthError.NoPasswordUser);
            hash = user.Password.ToByteArray();
            revision = _revision;
        }
        // The slow part runs outside the lock so checks on other threads don't queue behind it.
        if (!Bcrypt.Verify(password, hash)) throw new AuthException(AuthError.AuthFailed);
        return revision;
    }

    /// <summary>A random prefix for a simple token (the server appends "." and a request id); empty for JWT.</summary>
    public string GenerateSimpleTokenPrefix() => _tokens.GenerateTokenPrefix();

    /// <summary>
    /// The identity behind a request's token: null when there is no token (an empty string); otherwise the token must
    /// resolve, else <see cref="AuthError.InvalidAuthToken"/>, as etcd's AuthInfoFromCtx (which does not look at the
    /// enabled flag: after auth disable, old tokens are invalid, not ignored). A simple token's use refreshes its TTL.
    /// </summary>
    public AuthInfo? AuthInfoFromToken(string token)
    {
        if (string.IsNullOrEmpty(token)) return null;
        return _tokens.Info(token, Revision) ?? throw new AuthException(AuthError.InvalidAuthToken);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _tokens.Disable();
        _tokens.Dispose();
    }

    private static bool IsNoPassword(User user) => user.Options is { NoPassword: true };

    private static bool HasRootRole(User user) => user.Roles.Contains(RootRole);

    // Reads the whole auth state from the backend; the caller holds the writer lock.
    private void Load()
    {
        BatchTx tx = _backend.BatchTx;
        bool enabled = AuthBuckets.ReadEnabled(tx);
        lock (_mu)
        {
            _revision = AuthBuckets.ReadRevision(tx);
            _users.Clear();
            foreach (User u in AuthBuckets.ReadUsers(tx)) _users[u.Name.ToStringUtf8()] = u;
            _roles.Clear();
            foreach (Role r in AuthBuckets.ReadRoles(tx)) _roles[r.Name.ToStringUtf8()] = r;
            _enabled = enabled;
            if (enabled) _tokens.Enable();
            else _tokens.Disable();
            RefreshPermissions();
        }
    }

    // Bumps the revision and persists it; the caller holds the writer lock and _mu.
    private void CommitRevision()
    {
        _revision++;
        AuthBuckets.WriteRevision(_backend.BatchTx, _revision);
    }

    // Rebuilds every user's merged permissions (etcd's refreshRangePermCache); the caller holds _mu.
    private void RefreshPermissions()
    {
        var permissions = new Dictionary<string, RangePermissions>(_users.Count, StringComparer.Ordinal);
        foreach ((string name, User user) in _users)
        {
            IEnumerable<Permission> all = user.Roles
                .Select(r => _roles.GetValueOrDefault(r))
                .OfType<Role>()
                .SelectMany(r => r.KeyPermission);
            permissions[name] = RangePermissions.Merge(all);
        }
        _permissions = permissions;
    }
}
