namespace EtcdNet.Auth;

/// <summary>
/// A union of key intervals kept merged into disjoint, sorted runs, so a lookup is one binary search. Plays the
/// part of etcd's adt interval tree in range_perm_cache: overlapping and touching intervals are one run, which is
/// what the tree's Contains (a contiguous cover) and Intersects (a point hit) amount to.
/// </summary>
public sealed class KeyIntervalSet
{
    private readonly KeyInterval[] _runs;

    /// <summary>Merges the given intervals; empty ones cover nothing and are dropped.</summary>
    public KeyIntervalSet(IEnumerable<KeyInterval> intervals)
    {
        var sorted = intervals.Where(i => !i.IsEmpty).ToList();
        sorted.Sort((a, b) => a.Begin.AsSpan().SequenceCompareTo(b.Begin));
        var runs = new List<KeyInterval>(sorted.Count);
        foreach (KeyInterval next in sorted)
        {
            if (runs.Count > 0)
            {
                KeyInterval last = runs[^1];
                // last.End ≥ next.Begin: overlapping or touching; both join the same run.
                if (last.End is null || last.End.AsSpan().SequenceCompareTo(next.Begin) >= 0)
                {
                    if (KeyInterval.CompareEnds(next.End, last.End) > 0) runs[^1] = last with { End = next.End };
                    continue;
                }
            }
            runs.Add(next);
        }
        _runs = [.. runs];
    }

    /// <summary>The merged runs, sorted and disjoint.</summary>
    public IReadOnlyList<KeyInterval> Runs => _runs;

    /// <summary>Whether the key lies inside the set.</summary>
    public bool ContainsKey(ReadOnlySpan<byte> key)
    {
        if (key.IsEmpty) return false;
        int i = RunAtOrBefore(key);
        return i >= 0 && (_runs[i].End is null || key.SequenceCompareTo(_runs[i].End) < 0);
    }

    /// <summary>
    /// Whether every key of [key, end) lies inside the set (<paramref name="end"/> null: to the end of the keyspace).
    /// An inverted range names no key; as etcd's tree it then passes only when its first key is covered.
    /// </summary>
    public bool ContainsRange(ReadOnlySpan<byte> key, byte[]? end)
    {
        if (key.IsEmpty) return false;
        int i = RunAtOrBefore(key);
        if (i < 0) return false;
        byte[]? runEnd = _runs[i].End;
        if (runEnd is not null && key.SequenceCompareTo(runEnd) >= 0) return false;
        return end is null
            ? runEnd is null
            : end.AsSpan().SequenceCompareTo(key) <= 0 || KeyInterval.CompareEnds(end, runEnd) <= 0;
    }

    // Index of the last run whose begin ≤ key, or -1.
    private int RunAtOrBefore(ReadOnlySpan<byte> key)
    {
        int lo = 0, hi = _runs.Length - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_runs[mid].Begin.AsSpan().SequenceCompareTo(key) <= 0)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return found;
    }
}
