namespace EtcdNet.Mvcc.Watch;

/// <summary>
/// The range watchers of a group, by interval (the role of etcd's interval tree): distinct [start, end) intervals
/// sorted by start, each with its set of watchers. A stabbing query walks back from the last interval starting at or
/// before the key and stops as soon as no earlier interval can reach the key, which a prefix maximum of the ends
/// tells; for the usual shapes (disjoint or nested prefixes) that is a handful of intervals. An empty end means
/// "to the end of the keyspace" and sorts after every other end.
/// </summary>
internal sealed class RangeIndex
{
    private readonly List<Interval> _intervals = [];

    // _reach[i] = the furthest end among intervals 0..i; rebuilt lazily after a change (watch creation is rare next to events).
    private byte[][] _reach = [];
    private bool _dirty;

    /// <summary>Number of distinct intervals.</summary>
    public int Count => _intervals.Count;

    public void Add(Watcher w)
    {
        byte[] end = w.End!;
        int i = Find(w.Key, end, out bool found);
        if (found)
        {
            _intervals[i].Watchers.Add(w);
            return;
        }
        _intervals.Insert(i, new Interval(w.Key, end, [w]));
        _dirty = true;
    }

    public void Clear()
    {
        _intervals.Clear();
        _dirty = true;
    }

    public bool Remove(Watcher w)
    {
        int i = Find(w.Key, w.End!, out bool found);
        if (!found || !_intervals[i].Watchers.Remove(w))
        {
            return false;
        }
        if (_intervals[i].Watchers.Count == 0)
        {
            _intervals.RemoveAt(i);
            _dirty = true;
        }
        return true;
    }

    /// <summary>Adds the watcher set of every interval containing <paramref name="key"/>.</summary>
    public void Stab(ReadOnlySpan<byte> key, List<HashSet<Watcher>> into)
    {
        for (int i = LastStartingAtOrBefore(key); i >= 0; i--)
        {
            if (!Reaches(Reach(i), key))
            {
                return;
            }
            Interval iv = _intervals[i];
            if (Reaches(iv.End, key))
            {
                into.Add(iv.Watchers);
            }
        }
    }

    /// <summary>Whether any interval contains <paramref name="key"/>.</summary>
    public bool Intersects(ReadOnlySpan<byte> key)
    {
        for (int i = LastStartingAtOrBefore(key); i >= 0; i--)
        {
            if (!Reaches(Reach(i), key))
            {
                return false;
            }
            if (Reaches(_intervals[i].End, key))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Whether an interval ending at <paramref name="end"/> (exclusive; empty = infinity) still contains <paramref name="key"/>.</summary>
    private static bool Reaches(byte[] end, ReadOnlySpan<byte> key) => end.Length == 0 || key.SequenceCompareTo(end) < 0;

    private static int CompareEnds(byte[] a, byte[] b)
    {
        if (a.Length == 0 || b.Length == 0)
        {
            return (a.Length == 0 ? 1 : 0) - (b.Length == 0 ? 1 : 0);
        }
        return a.AsSpan().SequenceCompareTo(b);
    }

    private byte[] Reach(int i)
    {
        if (_dirty)
        {
            if (_reach.Length < _intervals.Count)
            {
                _reach = new byte[Math.Max(_intervals.Count, _reach.Length * 2)][];
            }
            byte[]? max = null;
            for (int j = 0; j < _intervals.Count; j++)
            {
                byte[] end = _intervals[j].End;
                if (max is null || CompareEnds(end, max) > 0)
                {
                    max = end;
                }
                _reach[j] = max;
            }
            _dirty = false;
        }
        return _reach[i];
    }

    private int LastStartingAtOrBefore(ReadOnlySpan<byte> key)
    {
        int lo = 0, hi = _intervals.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_intervals[mid].Start.AsSpan().SequenceCompareTo(key) <= 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo - 1;
    }

    /// <summary>Index of the (start, end) interval, or where it would be inserted.</summary>
    private int Find(byte[] start, byte[] end, out bool found)
    {
        int lo = 0, hi = _intervals.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            Interval iv = _intervals[mid];
            int c = iv.Start.AsSpan().SequenceCompareTo(start);
            if (c == 0)
            {
                c = CompareEnds(iv.End, end);
            }
            if (c == 0)
            {
                found = true;
                return mid;
            }
            if (c < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        found = false;
        return lo;
    }

    private sealed record Interval(byte[] Start, byte[] End, HashSet<Watcher> Watchers);
}
