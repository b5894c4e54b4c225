using System.Collections.Immutable;
using EtcdNet.Robustness.History;

namespace EtcdNet.Robustness.Model;

/// <summary>
/// One immutable state of the etcd KV model: key → kv (value, mod/create revision, version, lease), the current and
/// compacted revision, and the granted leases. Equality and hash cover all of it, so the checker can memoise on it;
/// the hash is kept incrementally (a sum of per-entry hashes) so a step costs O(log n), not O(n).
/// </summary>
public sealed class EtcdState : IEquatable<EtcdState>
{
    private static readonly ImmutableSortedDictionary<string, KeyValue> NoKvs = ImmutableSortedDictionary.Create<string, KeyValue>(StringComparer.Ordinal);

    private readonly long _kvHash;
    private readonly long _leaseHash;

    private EtcdState(ImmutableSortedDictionary<string, KeyValue> kvs, ImmutableSortedSet<long> leases, long revision, long compactRevision, long kvHash, long leaseHash)
    {
        Kvs = kvs;
        Leases = leases;
        Revision = revision;
        CompactRevision = compactRevision;
        _kvHash = kvHash;
        _leaseHash = leaseHash;
    }

    /// <summary>The keyspace at <see cref="Revision"/>, ordered by key.</summary>
    public ImmutableSortedDictionary<string, KeyValue> Kvs { get; }

    /// <summary>Leases granted and not yet revoked.</summary>
    public ImmutableSortedSet<long> Leases { get; }

    /// <summary>The store's current revision (1 in a fresh cluster).</summary>
    public long Revision { get; }

    /// <summary>The revision of the last compaction (0 before any).</summary>
    public long CompactRevision { get; }

    /// <summary>An empty store at <paramref name="revision"/> (a fresh etcd cluster answers with revision 1).</summary>
    public static EtcdState Empty(long revision = 1) => new(NoKvs, [], revision, 0, 0, 0);

    /// <summary>A store holding <paramref name="kvs"/> at <paramref name="revision"/> (for histories that start on data).</summary>
    public static EtcdState Of(IEnumerable<KeyValue> kvs, long revision, IEnumerable<long>? leases = null)
    {
        var state = Empty(revision);
        foreach (var kv in kvs)
        {
            state = state.WithKv(kv);
        }
        foreach (var lease in leases ?? [])
        {
            state = state.WithLease(lease);
        }
        return state;
    }

    /// <summary>The state with <paramref name="kv"/> stored under its key.</summary>
    public EtcdState WithKv(KeyValue kv)
    {
        var hash = _kvHash;
        if (Kvs.TryGetValue(kv.Key, out var old))
        {
            hash -= EntryHash(old);
        }
        return new EtcdState(Kvs.SetItem(kv.Key, kv), Leases, Revision, CompactRevision, hash + EntryHash(kv), _leaseHash);
    }

    /// <summary>The state without <paramref name="key"/>.</summary>
    public EtcdState WithoutKey(string key) =>
        Kvs.TryGetValue(key, out var old)
            ? new EtcdState(Kvs.Remove(key), Leases, Revision, CompactRevision, _kvHash - EntryHash(old), _leaseHash)
            : this;

    /// <summary>The state with lease <paramref name="id"/> granted.</summary>
    public EtcdState WithLease(long id) =>
        Leases.Contains(id) ? this : new EtcdState(Kvs, Leases.Add(id), Revision, CompactRevision, _kvHash, _leaseHash + Mix(id));

    /// <summary>The state with lease <paramref name="id"/> gone (its keys stay: the caller deletes them).</summary>
    public EtcdState WithoutLease(long id) =>
        Leases.Contains(id) ? new EtcdState(Kvs, Leases.Remove(id), Revision, CompactRevision, _kvHash, _leaseHash - Mix(id)) : this;

    /// <summary>The state at another revision.</summary>
    public EtcdState WithRevision(long revision) =>
        revision == Revision ? this : new EtcdState(Kvs, Leases, revision, CompactRevision, _kvHash, _leaseHash);

    /// <summary>The state after a compaction at <paramref name="revision"/>.</summary>
    public EtcdState WithCompactRevision(long revision) =>
        new(Kvs, Leases, Revision, revision, _kvHash, _leaseHash);

    /// <summary>The kvs in [key, rangeEnd) by etcd's range rules, in key order.</summary>
    public IEnumerable<KeyValue> Range(string key, string? rangeEnd)
    {
        if (string.IsNullOrEmpty(rangeEnd))
        {
            if (Kvs.TryGetValue(key, out var kv))
            {
                yield return kv;
            }
            yield break;
        }
        foreach (var (k, kv) in Kvs)
        {
            if (KeyRange.Contains(key, rangeEnd, k))
            {
                yield return kv;
            }
            else if (rangeEnd != "\0" && string.CompareOrdinal(k, rangeEnd) >= 0)
            {
                yield break;
            }
        }
    }

    /// <inheritdoc />
    public bool Equals(EtcdState? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }
        if (other is null || Revision != other.Revision || CompactRevision != other.CompactRevision
            || _kvHash != other._kvHash || _leaseHash != other._leaseHash || Kvs.Count != other.Kvs.Count || Leases.Count != other.Leases.Count)
        {
            return false;
        }
        if (!ReferenceEquals(Kvs, other.Kvs))
        {
            foreach (var (key, kv) in Kvs)
            {
                if (!other.Kvs.TryGetValue(key, out var theirs) || !kv.Equals(theirs))
                {
                    return false;
                }
            }
        }
        return ReferenceEquals(Leases, other.Leases) || Leases.SetEquals(other.Leases);
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is EtcdState other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Revision, CompactRevision, _kvHash, _leaseHash);

    /// <summary>A short form for violation messages.</summary>
    public override string ToString()
    {
        var kvs = string.Join(", ", Kvs.Values.Select(kv => $"{kv.Key}={kv.Value}@{kv.ModRevision}"));
        return $"rev {Revision} (compacted {CompactRevision}) {{{kvs}}}" + (Leases.Count > 0 ? $" leases [{string.Join(",", Leases)}]" : "");
    }

    private static long EntryHash(KeyValue kv) => Mix(HashCode.Combine(kv.Key, kv.Value, kv.ModRevision, kv.CreateRevision, kv.Version, kv.Lease));

    // A sum of hashes cancels equal entries poorly unless each hash is well spread over 64 bits.
    private static long Mix(long x)
    {
        var z = unchecked((ulong)x + 0x9E3779B97F4A7C15UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return unchecked((long)(z ^ (z >> 31)));
    }
}
