namespace EtcdNet.Mvcc;

/// <summary>
/// The in-memory index of every key (etcd's treeIndex): an ordered set of <see cref="KeyIndex"/> by key bytes.
/// The apply thread mutates it; readers on any thread query it; a reader-writer lock keeps the two apart.
/// A range end follows etcd: null = the single key, empty = every key from the start key, else [key, end).
/// </summary>
public sealed class TreeIndex : IDisposable
{
    // Probes at the top of the keyspace: a range "to the end" is a view up to this sentinel.
    private static readonly KeyIndex MaxProbe = new(ReadOnlyMemory<byte>.Empty);

    private readonly SortedSet<KeyIndex> _tree = new(new KeyOrder());
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);

    /// <summary>Number of keys with history (live or tombstoned but not yet compacted away).</summary>
    public int Count
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _tree.Count;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>Records a put of <paramref name="key"/> at <paramref name="rev"/>, with the value's lease.</summary>
    public void Put(ReadOnlyMemory<byte> key, Revision rev, long lease = 0)
    {
        _lock.EnterWriteLock();
        try
        {
            KeyIndex? ki = FindLocked(key);
            if (ki is null)
            {
                // Own the bytes: the caller's memory may be a view of a buffer that gets reused.
                ki = new KeyIndex(key.ToArray());
                _tree.Add(ki);
            }
            ki.Put(rev);
            ki.Lease = lease;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Records a delete; false when the key is not live (nothing recorded). Reports the lease the key had.</summary>
    public bool Tombstone(ReadOnlyMemory<byte> key, Revision rev, out long lease)
    {
        _lock.EnterWriteLock();
        try
        {
            KeyIndex? ki = FindLocked(key);
            lease = ki?.Lease ?? 0;
            return ki is not null && ki.Tombstone(rev);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>The key as of <paramref name="atRev"/> (see <see cref="KeyIndex.TryGet"/>), plus its current lease.</summary>
    public bool TryGet(ReadOnlyMemory<byte> key, long atRev, out Revision modified, out Revision created, out long version, out long lease)
    {
        _lock.EnterReadLock();
        try
        {
            KeyIndex? ki = FindLocked(key);
            if (ki is not null && ki.TryGet(atRev, out modified, out created, out version))
            {
                lease = ki.Lease;
                return true;
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }
        modified = default;
        created = default;
        version = 0;
        lease = 0;
        return false;
    }

    /// <summary>
    /// Appends to <paramref name="revisions"/> (and, when given, <paramref name="keys"/>) the revision of every key
    /// in the range that was live at <paramref name="atRev"/>, in key order. Returns how many were added.
    /// </summary>
    public int Revisions(ReadOnlyMemory<byte> key, ReadOnlyMemory<byte>? end, long atRev, List<Revision> revisions, List<ReadOnlyMemory<byte>>? keys = null)
    {
        int added = 0;
        _lock.EnterReadLock();
        try
        {
            if (end is null)
            {
                KeyIndex? ki = FindLocked(key);
                if (ki is not null && ki.TryGet(atRev, out Revision rev, out _, out _))
                {
                    revisions.Add(rev);
                    keys?.Add(ki.Key);
                    added++;
                }
                return added;
            }
            ReadOnlySpan<byte> endSpan = end.Value.Span;
            bool bounded = !endSpan.IsEmpty;
            if (bounded && endSpan.SequenceCompareTo(key.Span) <= 0)
            {
                return 0;
            }
            foreach (KeyIndex ki in _tree.GetViewBetween(new KeyIndex(key), bounded ? new KeyIndex(end.Value) : MaxProbe))
            {
                if (bounded && ki.Key.Span.SequenceCompareTo(endSpan) >= 0)
                {
                    break;
                }
                if (ki.TryGet(atRev, out Revision rev, out _, out _))
                {
                    revisions.Add(rev);
                    keys?.Add(ki.Key);
                    added++;
                }
            }
            return added;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>
    /// Every change to keys in the range at or after main revision <paramref name="rev"/>, sorted by revision
    /// (what a watcher starting at <paramref name="rev"/> replays).
    /// </summary>
    public List<Revision> RangeSince(ReadOnlyMemory<byte> key, ReadOnlyMemory<byte>? end, long rev)
    {
        _lock.EnterReadLock();
        try
        {
            if (end is null)
            {
                return FindLocked(key)?.Since(rev) ?? [];
            }
            ReadOnlySpan<byte> endSpan = end.Value.Span;
            bool bounded = !endSpan.IsEmpty;
            var result = new List<Revision>();
            if (bounded && endSpan.SequenceCompareTo(key.Span) <= 0)
            {
                return result;
            }
            foreach (KeyIndex ki in _tree.GetViewBetween(new KeyIndex(key), bounded ? new KeyIndex(end.Value) : MaxProbe))
            {
                if (bounded && ki.Key.Span.SequenceCompareTo(endSpan) >= 0)
                {
                    break;
                }
                result.AddRange(ki.Since(rev));
            }
            result.Sort();
            return result;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>
    /// Compacts every key at <paramref name="rev"/> (see <see cref="KeyIndex.Compact"/>), removing keys with no
    /// history left, and returns the revisions ≤ <paramref name="rev"/> the backend must keep. Takes the write
    /// lock per chunk of keys so that the apply thread and readers are never held up for the whole walk.
    /// </summary>
    public HashSet<Revision> Compact(long rev, int chunk = 1000)
    {
        var available = new HashSet<Revision>();
        KeyIndex[] snapshot;
        _lock.EnterReadLock();
        try
        {
            snapshot = new KeyIndex[_tree.Count];
            _tree.CopyTo(snapshot);
        }
        finally
        {
            _lock.ExitReadLock();
        }
        for (int start = 0; start < snapshot.Length; start += chunk)
        {
            int stop = Math.Min(snapshot.Length, start + chunk);
            _lock.EnterWriteLock();
            try
            {
                for (int i = start; i < stop; i++)
                {
                    KeyIndex ki = snapshot[i];
                    ki.Compact(rev, available);
                    if (ki.IsEmpty)
                    {
                        _tree.Remove(ki);
                    }
                }
            }
            finally
            {
                _lock.ExitWriteLock();
            }
        }
        return available;
    }

    /// <summary>What <see cref="Compact"/> at <paramref name="rev"/> would keep, without changing anything.</summary>
    public HashSet<Revision> Keep(long rev)
    {
        var available = new HashSet<Revision>();
        _lock.EnterReadLock();
        try
        {
            foreach (KeyIndex ki in _tree)
            {
                ki.Keep(rev, available);
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }
        return available;
    }

    /// <summary>Inserts a key index built elsewhere (restore); replaces one with the same key.</summary>
    public void Insert(KeyIndex ki)
    {
        _lock.EnterWriteLock();
        try
        {
            _tree.Remove(ki);
            _tree.Add(ki);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>The key's index, or null. The caller must not use it concurrently with the apply thread.</summary>
    public KeyIndex? Find(ReadOnlyMemory<byte> key)
    {
        _lock.EnterReadLock();
        try
        {
            return FindLocked(key);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Visits every key index in key order under the read lock (restore, diagnostics).</summary>
    public void ForEach(Action<KeyIndex> visit)
    {
        _lock.EnterReadLock();
        try
        {
            foreach (KeyIndex ki in _tree)
            {
                visit(ki);
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _lock.Dispose();

    private KeyIndex? FindLocked(ReadOnlyMemory<byte> key) =>
        _tree.TryGetValue(new KeyIndex(key), out KeyIndex? found) ? found : null;

    /// <summary>Byte-wise key order; <see cref="MaxProbe"/> sorts after every key.</summary>
    private sealed class KeyOrder : IComparer<KeyIndex>
    {
        public int Compare(KeyIndex? x, KeyIndex? y)
        {
            if (ReferenceEquals(x, y))
            {
                return 0;
            }
            if (ReferenceEquals(x, MaxProbe))
            {
                return 1;
            }
            if (ReferenceEquals(y, MaxProbe))
            {
                return -1;
            }
            return x!.Key.Span.SequenceCompareTo(y!.Key.Span);
        }
    }
}
