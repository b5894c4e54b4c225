using EtcdNet.Storage;
using EtcdNet.Storage.Schema;
using Google.Protobuf;

namespace EtcdNet.Lease;

/// <summary>
/// Owns every lease: grants and revokes them (applied from the log, on every member), keeps the keys attached to
/// each, and, on the primary only, renews them and finds the expired ones for the server to revoke through the log.
///
/// Expiry is a primary's decision alone: a member that becomes primary extends every lease by the time it could
/// have taken to notice the old primary was gone (<see cref="Promote"/>), so a leader change never expires a lease
/// early; a member that stops being primary forgets expiry times altogether (<see cref="Demote"/>).
/// Thread-safe: the apply loop, RPC handlers and the expiry timer all call in.
/// </summary>
public sealed class Lessor
{
    /// <summary>The largest TTL a lease may be granted with, in seconds (etcd's MaxLeaseTTL).</summary>
    public const long MaxTtl = 9_000_000_000;

    private readonly Lock _mu = new();
    private readonly Dictionary<long, Lease> _leases = [];
    private readonly Backend _backend;
    private readonly TimeProvider _time;
    private readonly LessorOptions _options;
    private bool _primary;
    private long _granted, _revoked, _renewed;

    /// <summary>Leases granted, revoked and renewed since start (etcd's etcd_debugging_lease_*_total).</summary>
    public long GrantedTotal => Interlocked.Read(ref _granted);

    public long RevokedTotal => Interlocked.Read(ref _revoked);

    public long RenewedTotal => Interlocked.Read(ref _renewed);

    /// <summary>Restores the leases the backend holds; their keys are attached again as the kv store reopens.</summary>
    public Lessor(Backend backend, TimeProvider time, LessorOptions? options = null)
    {
        _backend = backend;
        _time = time;
        _options = options ?? new LessorOptions();
        Load();
    }

    public long MinTtl => _options.MinTtl;

    /// <summary>
    /// Forgets every lease and loads the ones the backend now holds (etcd's Recover, after a leader's snapshot was
    /// installed). Keys come back as the kv store re-attaches them while it restores, so call this first.
    /// </summary>
    public void Restore()
    {
        lock (_mu)
        {
            _leases.Clear();
            Load();
            if (_primary)
            {
                // A primary keeps deciding expiry; the loaded leases start their (checkpointed) TTL now.
                var now = _time.GetUtcNow();
                foreach (var lease in _leases.Values) lease.Expiry = now + TimeSpan.FromSeconds(lease.EffectiveTtl);
            }
        }
    }

    public bool IsPrimary
    {
        get
        {
            lock (_mu) return _primary;
        }
    }

    /// <summary>Grants a lease (apply path). The TTL is raised to the minimum; an id in use is refused.</summary>
    public Lease Grant(long id, long ttl)
    {
        if (ttl > MaxTtl) throw new LeaseTtlTooLargeException();
        lock (_mu)
        {
            if (_leases.ContainsKey(id)) throw new LeaseExistsException(id);
            var lease = new Lease(id, Math.Max(ttl, _options.MinTtl), 0);
            if (_primary) lease.Expiry = _time.GetUtcNow() + TimeSpan.FromSeconds(lease.Ttl);
            _leases[id] = lease;
            Persist(lease);
            Interlocked.Increment(ref _granted);
            return lease;
        }
    }

    /// <summary>
    /// Removes a lease (apply path) and returns its keys in key order; the caller deletes them in the same
    /// write, so a revoke is one revision.
    /// </summary>
    public IReadOnlyList<byte[]> Revoke(long id)
    {
        lock (_mu)
        {
            if (!_leases.Remove(id, out var lease)) throw new LeaseNotFoundException(id);
            _backend.BatchTx.Delete(Buckets.Lease, LeaseKey.Encode(id));
            Interlocked.Increment(ref _revoked);
            var keys = lease.Keys.ToList();
            keys.Sort(ByteArrayComparer.Instance);
            return keys;
        }
    }

    /// <summary>True when the lease exists; puts with an unknown lease are refused.</summary>
    public bool Exists(long id)
    {
        lock (_mu) return _leases.ContainsKey(id);
    }

    public void Attach(long id, ReadOnlyMemory<byte> key)
    {
        lock (_mu)
        {
            if (_leases.TryGetValue(id, out var lease)) lease.Keys.Add(key.ToArray());
        }
    }

    public void Detach(long id, ReadOnlyMemory<byte> key)
    {
        lock (_mu)
        {
            if (_leases.TryGetValue(id, out var lease)) lease.Keys.Remove(key.ToArray());
        }
    }

    /// <summary>Records the TTL a lease had left (apply path of a checkpoint), so a new primary resumes from it.</summary>
    public void Checkpoint(long id, long remainingTtl)
    {
        lock (_mu)
        {
            if (!_leases.TryGetValue(id, out var lease)) return;
            lease.RemainingTtl = remainingTtl;
            if (_options.PersistCheckpoints) Persist(lease);
            if (_primary) lease.Expiry = _time.GetUtcNow() + TimeSpan.FromSeconds(lease.EffectiveTtl);
        }
    }

    /// <summary>Keepalive: restarts the lease's full TTL. Primary only; an expired lease is already gone.</summary>
    public long Renew(long id)
    {
        lock (_mu)
        {
            if (!_primary) throw new NotPrimaryException();
            var now = _time.GetUtcNow();
            if (!_leases.TryGetValue(id, out var lease) || lease.Expiry <= now) throw new LeaseNotFoundException(id);
            lease.RemainingTtl = 0;
            lease.Expiry = now + TimeSpan.FromSeconds(lease.Ttl);
            Interlocked.Increment(ref _renewed);
            return lease.Ttl;
        }
    }

    /// <summary>A lease's TTL, remaining seconds (whole, rounded down) and keys; null when unknown.</summary>
    public LeaseInfo? Lookup(long id)
    {
        lock (_mu)
        {
            if (!_leases.TryGetValue(id, out var lease)) return null;
            var keys = lease.Keys.ToList();
            keys.Sort(ByteArrayComparer.Instance);
            return new LeaseInfo(lease.Id, lease.Ttl, RemainingSeconds(lease), keys);
        }
    }

    /// <summary>Every lease id, ascending.</summary>
    public IReadOnlyList<long> Leases()
    {
        lock (_mu)
        {
            var ids = _leases.Keys.ToList();
            ids.Sort();
            return ids;
        }
    }

    /// <summary>Become the primary: expiry starts now, extended by <paramref name="extend"/> (etcd's Promote).</summary>
    public void Promote(TimeSpan extend)
    {
        lock (_mu)
        {
            _primary = true;
            var now = _time.GetUtcNow();
            foreach (var lease in _leases.Values)
            {
                lease.Expiry = now + extend + TimeSpan.FromSeconds(lease.EffectiveTtl);
            }
        }
    }

    /// <summary>Stop being the primary: no expiry is decided here any more.</summary>
    public void Demote()
    {
        lock (_mu)
        {
            _primary = false;
            foreach (var lease in _leases.Values) lease.Expiry = DateTimeOffset.MaxValue;
        }
    }

    /// <summary>
    /// The leases whose time is up, for the server to revoke through the log, earliest first. Each is given
    /// <see cref="LessorOptions.RevokeRetry"/> before it is reported again, in case its revoke is lost.
    /// </summary>
    public IReadOnlyList<long> TakeExpired(int max = 1000)
    {
        lock (_mu)
        {
            if (!_primary) return [];
            var now = _time.GetUtcNow();
            var expired = new List<Lease>();
            foreach (var lease in _leases.Values)
            {
                if (lease.Expiry <= now) expired.Add(lease);
            }
            expired.Sort((a, b) => a.Expiry.CompareTo(b.Expiry));
            var ids = new List<long>(Math.Min(max, expired.Count));
            foreach (var lease in expired)
            {
                if (ids.Count == max) break;
                ids.Add(lease.Id);
                lease.Expiry = now + _options.RevokeRetry;
            }
            return ids;
        }
    }

    /// <summary>Remaining TTLs of leases worth checkpointing (longer than <paramref name="minRemaining"/>), primary only.</summary>
    public IReadOnlyList<(long Id, long RemainingTtl)> CheckpointCandidates(TimeSpan minRemaining)
    {
        lock (_mu)
        {
            if (!_primary) return [];
            var result = new List<(long, long)>();
            foreach (var lease in _leases.Values)
            {
                var remaining = RemainingSeconds(lease);
                if (remaining > minRemaining.TotalSeconds) result.Add((lease.Id, remaining));
            }
            return result;
        }
    }

    private long RemainingSeconds(Lease lease)
    {
        if (lease.Expiry == DateTimeOffset.MaxValue) return lease.EffectiveTtl;
        var left = lease.Expiry - _time.GetUtcNow();
        return left <= TimeSpan.Zero ? 0 : (long)left.TotalSeconds;
    }

    private void Load()
    {
        using var read = _backend.ConcurrentReadTx();
        read.UnsafeForEach(Buckets.Lease, (key, value) =>
        {
            var stored = Api.Leasepb.Lease.Parser.ParseFrom(value);
            _leases[stored.ID] = new Lease(stored.ID, stored.TTL, stored.RemainingTTL);
            return true;
        });
    }

    private void Persist(Lease lease)
    {
        var stored = new Api.Leasepb.Lease { ID = lease.Id, TTL = lease.Ttl, RemainingTTL = lease.RemainingTtl };
        _backend.BatchTx.Put(Buckets.Lease, LeaseKey.Encode(lease.Id), stored.ToByteArray());
    }
}

/// <summary>A lease as LeaseTimeToLive reports it.</summary>
public sealed record LeaseInfo(long Id, long GrantedTtl, long RemainingTtl, IReadOnlyList<byte[]> Keys);
