namespace EtcdNet.Auth;

/// <summary>
/// A half-open key interval [Begin, End); a null <see cref="End"/> means "to the end of the keyspace"
/// (etcd's affine comparison, where an empty end sorts after every key).
/// </summary>
public readonly record struct KeyInterval(byte[] Begin, byte[]? End)
{
    /// <summary>The interval holding exactly one key: [key, key + "\0").</summary>
    public static KeyInterval Point(ReadOnlySpan<byte> key)
    {
        var end = new byte[key.Length + 1];
        key.CopyTo(end);
        return new KeyInterval(key.ToArray(), end);
    }

    /// <summary>
    /// The interval a permission or request names: no range end is a single key, a range end of "\0" means
    /// from the key to the end, anything else is [key, rangeEnd).
    /// </summary>
    public static KeyInterval FromRange(ReadOnlySpan<byte> key, ReadOnlySpan<byte> rangeEnd)
    {
        if (rangeEnd.IsEmpty) return Point(key);
        if (rangeEnd.Length == 1 && rangeEnd[0] == 0) return new KeyInterval(key.ToArray(), null);
        return new KeyInterval(key.ToArray(), rangeEnd.ToArray());
    }

    /// <summary>True when no key lies inside (an empty begin, which etcd orders after every key, or end ≤ begin).</summary>
    public bool IsEmpty => Begin.Length == 0 || (End is not null && CompareEnds(End, Begin) <= 0);

    /// <summary>Orders two ends where null is +infinity.</summary>
    public static int CompareEnds(byte[]? a, byte[]? b) =>
        a is null ? (b is null ? 0 : 1) : b is null ? -1 : a.AsSpan().SequenceCompareTo(b);
}
