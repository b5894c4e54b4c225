namespace EtcdNet.Lease;

/// <summary>
/// One granted lease: its TTL, when it expires (only meaningful on the primary), the remaining TTL of its last
/// checkpoint, and the keys attached to it. Guarded by the lessor's lock.
/// </summary>
public sealed class Lease
{
    internal Lease(long id, long ttl, long remainingTtl)
    {
        Id = id;
        Ttl = ttl;
        RemainingTtl = remainingTtl;
    }

    public long Id { get; }

    /// <summary>Granted TTL in seconds (raised to the minimum when asked for less).</summary>
    public long Ttl { get; }

    /// <summary>TTL left at the last checkpoint, in seconds; 0 when there is none.</summary>
    internal long RemainingTtl { get; set; }

    /// <summary>When the lease expires; <see cref="DateTimeOffset.MaxValue"/> while this member is not the primary.</summary>
    internal DateTimeOffset Expiry { get; set; } = DateTimeOffset.MaxValue;

    internal HashSet<byte[]> Keys { get; } = new(ByteArrayComparer.Instance);

    /// <summary>The TTL a fresh expiry counts from: the checkpointed remainder if there is one.</summary>
    internal long EffectiveTtl => RemainingTtl > 0 ? RemainingTtl : Ttl;
}

/// <summary>Value equality for keys held as byte arrays.</summary>
internal sealed class ByteArrayComparer : IEqualityComparer<byte[]>, IComparer<byte[]>
{
    public static readonly ByteArrayComparer Instance = new();

    public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

    public int GetHashCode(byte[] obj)
    {
        var hash = new HashCode();
        hash.AddBytes(obj);
        return hash.ToHashCode();
    }

    public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
}
