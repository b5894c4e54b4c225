namespace EtcdNet.Mvcc.Watch;

/// <summary>
/// A set of watchers organised for matching event keys (etcd's watcherGroup): single-key watchers in a hash map by
/// key, range watchers in a <see cref="RangeIndex"/>. Not thread-safe; the store's lock guards it.
/// </summary>
internal sealed class WatcherGroup
{
    private readonly Dictionary<ReadOnlyMemory<byte>, HashSet<Watcher>> _keys = new(KeyComparer.Instance);
    private readonly Dictionary<ReadOnlyMemory<byte>, HashSet<Watcher>>.AlternateLookup<ReadOnlySpan<byte>> _keysBySpan;
    private readonly RangeIndex _ranges = new();
    private readonly HashSet<Watcher> _all = [];

    public WatcherGroup() => _keysBySpan = _keys.GetAlternateLookup<ReadOnlySpan<byte>>();

    /// <summary>Number of watchers.</summary>
    public int Count => _all.Count;

    /// <summary>Every watcher (iterate under the store's lock; do not modify the group meanwhile).</summary>
    public HashSet<Watcher> All => _all;

    public void Add(Watcher w)
    {
        if (!_all.Add(w))
        {
            throw new InvalidOperationException("watcher added to a group twice");
        }
        if (w.End is null)
        {
            if (!_keys.TryGetValue(w.Key, out HashSet<Watcher>? set))
            {
                set = [];
                _keys.Add(w.Key, set);
            }
            set.Add(w);
            return;
        }
        _ranges.Add(w);
    }

    public bool Remove(Watcher w)
    {
        if (!_all.Remove(w))
        {
            return false;
        }
        if (w.End is not null)
        {
            return _ranges.Remove(w);
        }
        if (_keys.TryGetValue(w.Key, out HashSet<Watcher>? set) && set.Remove(w))
        {
            if (set.Count == 0)
            {
                _keys.Remove(w.Key);
            }
            return true;
        }
        return false;
    }

    /// <summary>Removes every watcher.</summary>
    public void Clear()
    {
        _all.Clear();
        _keys.Clear();
        _ranges.Clear();
    }

    /// <summary>Whether some watcher of the group watches <paramref name="key"/>.</summary>
    public bool Contains(ReadOnlySpan<byte> key) => _keysBySpan.ContainsKey(key) || _ranges.Intersects(key);

    /// <summary>Adds the sets of watchers that watch <paramref name="key"/> (a watcher is in at most one of them).</summary>
    public void Covering(ReadOnlySpan<byte> key, List<HashSet<Watcher>> into)
    {
        if (_keysBySpan.TryGetValue(key, out HashSet<Watcher>? set))
        {
            into.Add(set);
        }
        if (_ranges.Count > 0)
        {
            _ranges.Stab(key, into);
        }
    }
}
