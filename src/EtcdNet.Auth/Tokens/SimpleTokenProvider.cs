using System.Security.Cryptography;

namespace EtcdNet.Auth;

/// <summary>
/// etcd's simple tokens: "16 random letters" + "." + a number, remembered in memory on every member (each applies
/// the same Authenticate entry), valid until unused for the TTL; each use pushes the deadline out again. A timer on
/// the given clock sweeps expired tokens once a second; lookups also check the deadline, so expiry is exact.
/// </summary>
public sealed class SimpleTokenProvider : ITokenProvider
{
    /// <summary>etcd's default TTL, used when the configured one is not positive.</summary>
    public static readonly TimeSpan DefaultTtl = TimeSpan.FromSeconds(300);

    private const string Letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private const int PrefixLength = 16;
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(1);

    private readonly TimeProvider _time;
    private readonly Lock _mu = new();
    private readonly Dictionary<string, Entry> _tokens = new(StringComparer.Ordinal);
    private ITimer? _sweeper; // non-null while enabled

    /// <summary>Creates a disabled provider; <paramref name="ttl"/> ≤ 0 means <see cref="DefaultTtl"/>.</summary>
    public SimpleTokenProvider(TimeSpan ttl, TimeProvider time)
    {
        Ttl = ttl > TimeSpan.Zero ? ttl : DefaultTtl;
        _time = time;
    }

    /// <summary>How long a token lives without being used.</summary>
    public TimeSpan Ttl { get; }

    /// <summary>Tokens currently held (expired ones go at the next sweep or lookup).</summary>
    public int Count
    {
        get
        {
            lock (_mu) return _tokens.Count;
        }
    }

    /// <inheritdoc />
    public AuthInfo? Info(string token, ulong revision)
    {
        if (!IsWellFormed(token)) return null;
        lock (_mu)
        {
            if (_sweeper is null || !_tokens.TryGetValue(token, out Entry? entry)) return null;
            DateTimeOffset now = _time.GetUtcNow();
            if (now > entry.Deadline)
            {
                _tokens.Remove(token);
                return null;
            }
            entry.Deadline = now + Ttl;
            return new AuthInfo(entry.Username, revision);
        }
    }

    /// <inheritdoc />
    public string Assign(string username, ulong revision, string simpleToken)
    {
        lock (_mu)
        {
            // While disabled nothing is remembered, as etcd (its keeper is gone).
            if (_sweeper is not null) _tokens[simpleToken] = new Entry(username, _time.GetUtcNow() + Ttl);
        }
        return simpleToken;
    }

    /// <inheritdoc />
    public void Enable()
    {
        lock (_mu)
        {
            _sweeper ??= _time.CreateTimer(_ => Sweep(), null, SweepInterval, SweepInterval);
        }
    }

    /// <inheritdoc />
    public void Disable()
    {
        ITimer? sweeper;
        lock (_mu)
        {
            sweeper = _sweeper;
            _sweeper = null;
            _tokens.Clear();
        }
        sweeper?.Dispose();
    }

    /// <inheritdoc />
    public void InvalidateUser(string username)
    {
        lock (_mu)
        {
            foreach (string token in _tokens.Where(t => t.Value.Username == username).Select(t => t.Key).ToList())
            {
                _tokens.Remove(token);
            }
        }
    }

    /// <inheritdoc />
    public string GenerateTokenPrefix() => RandomNumberGenerator.GetString(Letters, PrefixLength);

    /// <inheritdoc />
    public void Dispose() => Disable();

    // etcd accepts only "prefix.index" with a decimal index.
    private static bool IsWellFormed(string token)
    {
        int dot = token.IndexOf('.');
        return dot >= 0 && token.IndexOf('.', dot + 1) < 0 && long.TryParse(token.AsSpan(dot + 1), out _);
    }

    private void Sweep()
    {
        lock (_mu)
        {
            DateTimeOffset now = _time.GetUtcNow();
            foreach (string token in _tokens.Where(t => now > t.Value.Deadline).Select(t => t.Key).ToList())
            {
                _tokens.Remove(token);
            }
        }
    }

    private sealed class Entry(string username, DateTimeOffset deadline)
    {
        public string Username { get; } = username;

        public DateTimeOffset Deadline { get; set; } = deadline;
    }
}
