using EtcdNet.Api.Mvccpb;
using EtcdNet.Storage;
using EtcdNet.Storage.Schema;

namespace EtcdNet.Mvcc;

/// <summary>
/// The multi-version key-value store (etcd's mvcc store). Every write transaction gets the next revision and
/// writes each change under (revision, sub) into the key bucket; the in-memory <see cref="TreeIndex"/> maps keys
/// to those revisions. Reads (<see cref="Range"/>) run on any thread against the index and a concurrent backend
/// read; writes run on one apply thread. Compaction drops superseded history in the background.
/// </summary>
public sealed partial class KvStore : IDisposable
{
    private readonly Backend _backend;
    private readonly KvStoreOptions _options;
    private readonly TxnWrite _txn;

    // Replaced wholesale by Restore; reads take _restoreLock shared, so none sees a new backend with the old index.
    private TreeIndex _index = new();
    private readonly ReaderWriterLockSlim _restoreLock = new(LockRecursionPolicy.NoRecursion);

    // Published with Volatile so that readers on other threads see a revision only after its writes are buffered.
    private long _currentRev = 1;
    private long _compactMainRev = -1;
    private ulong _consistentIndex;
    private ulong _savedConsistentIndex;

    private readonly object _compactionLock = new();
    private Task _compactionTail = Task.CompletedTask;
    private volatile bool _stopping;
    private volatile bool _abandonCompaction;

    /// <summary>
    /// Opens the store over <paramref name="backend"/> (which it does not own): rebuilds the index from the key
    /// bucket, recovers current and compact revisions and the consistent index, re-attaches leases, and resumes a
    /// compaction that was scheduled but not finished before a crash.
    /// </summary>
    public KvStore(Backend backend, KvStoreOptions? options = null)
    {
        _backend = backend;
        _options = options ?? new KvStoreOptions();
        if (_options.CompactionBatchLimit <= 0)
        {
            _options.CompactionBatchLimit = 1000;
        }
        _txn = new TxnWrite(this);
        Rebuild();
    }

    /// <summary>Revision of the last write transaction that changed something (1 for an empty store).</summary>
    public long CurrentRevision => Volatile.Read(ref _currentRev);

    /// <summary>Revision of the last requested compaction; 0 when never compacted.</summary>
    public long CompactRevision => Math.Max(0, Volatile.Read(ref _compactMainRev));

    /// <summary>Last applied raft index, persisted in meta with the data.</summary>
    public ulong ConsistentIndex => Volatile.Read(ref _consistentIndex);

    /// <summary>Who hears about committed writes (the watchable store), as set in the options.</summary>
    public IKvObserver? Observer => _options.Observer;

    /// <summary>The key index (for watch and tests). Mutated only by the apply thread and compaction.</summary>
    public TreeIndex Index => _index;

    /// <summary>
    /// Sets the raft index of the entry being applied. Call it BEFORE applying the entry (as etcd does): the value
    /// is written to meta together with the entry's changes (in the same write transaction) or by <see cref="Commit"/>,
    /// so a crash can never persist the index without the effects of its entry.
    /// </summary>
    public void SetConsistentIndex(ulong index) => Volatile.Write(ref _consistentIndex, index);

    /// <summary>Writes the consistent index and durably commits the backend batch (etcd's store.Commit).</summary>
    public void Commit()
    {
        using (_backend.BatchTx.Lock())
        {
            SaveConsistentIndexLocked();
        }
        _backend.Commit();
    }

    /// <summary>
    /// etcd's Restore, for a leader's snapshot installed on this member: stops background compaction (abandoning a
    /// batch in flight), runs <paramref name="replaceBackend"/> to swap the backend's contents (and reload whatever
    /// the index re-attaches keys to, i.e. the leases), then rebuilds index, revisions, compact revision and
    /// consistent index from the backend, resuming a compaction the new contents had scheduled. Call on the apply
    /// thread; ranges wait meanwhile. Watchers must then be told (WatchableStore.OnRestored).
    /// </summary>
    public void Restore(Action replaceBackend)
    {
        ArgumentNullException.ThrowIfNull(replaceBackend);
        _restoreLock.EnterWriteLock();
        try
        {
            // A compaction still deleting from the old contents must be gone before the new ones arrive.
            _abandonCompaction = true;
            WaitForCompactions();
            _abandonCompaction = false;
            replaceBackend();
            Rebuild();
        }
        finally
        {
            _restoreLock.ExitWriteLock();
        }
    }

    /// <summary>Stops background compaction (after its current batch). Does not dispose the backend.</summary>
    public void Dispose()
    {
        _stopping = true;
        WaitForCompactions();
        _index.Dispose();
        _restoreLock.Dispose();
    }

    private void WaitForCompactions()
    {
        Task tail;
        lock (_compactionLock)
        {
            tail = _compactionTail;
        }
        try
        {
            tail.Wait();
        }
        catch (AggregateException)
        {
            // A failed compaction was already reported through its task.
        }
    }

    /// <summary>Writes the consistent index to meta if it moved; the caller holds the batch lock.</summary>
    internal void SaveConsistentIndexLocked()
    {
        ulong index = Volatile.Read(ref _consistentIndex);
        if (index == _savedConsistentIndex)
        {
            return;
        }
        _backend.BatchTx.Put(Buckets.Meta, MetaKeys.ConsistentIndexKey, Storage.Schema.ConsistentIndex.Encode(index));
        _savedConsistentIndex = index;
    }

    /// <summary>
    /// Rebuilds index, revisions and consistent index from the backend into fresh state, publishes it, re-attaches
    /// leases and resumes a compaction that was scheduled but not finished (etcd's restore).
    /// </summary>
    private void Rebuild()
    {
        var index = new TreeIndex();
        long compactMainRev = -1;
        long scheduled = 0;
        ulong consistentIndex = 0;
        long currentRev;
        using (ReadTx tx = _backend.ConcurrentReadTx())
        {
            if (tx.TryGet(Buckets.Meta, MetaKeys.FinishedCompactRevKey, out byte[]? finished))
            {
                compactMainRev = RevisionKey.Decode(finished).Main;
            }
            if (tx.TryGet(Buckets.Meta, MetaKeys.ScheduledCompactRevKey, out byte[]? scheduledBytes))
            {
                scheduled = RevisionKey.Decode(scheduledBytes).Main;
            }
            if (tx.TryGet(Buckets.Meta, MetaKeys.ConsistentIndexKey, out byte[]? ci))
            {
                consistentIndex = Storage.Schema.ConsistentIndex.Decode(ci);
            }
            currentRev = IndexKeys(tx, index);
        }

        TreeIndex old = _index;
        _index = index;
        if (!ReferenceEquals(old, index))
        {
            // Ranges wait on the restore lock and compaction has stopped: nobody else holds the old index.
            old.Dispose();
        }
        Volatile.Write(ref _consistentIndex, consistentIndex);
        _savedConsistentIndex = consistentIndex;
        Volatile.Write(ref _currentRev, Math.Max(currentRev, compactMainRev));
        if (scheduled <= compactMainRev)
        {
            scheduled = 0;
        }
        // The earlier process recorded the intent; finish the job (etcd's compactLockfree on restore).
        Volatile.Write(ref _compactMainRev, scheduled != 0 ? scheduled : compactMainRev);

        ILeaseChecker? leases = _options.Leases;
        if (leases is not null)
        {
            index.ForEach(ki =>
            {
                if (ki.Lease != 0)
                {
                    leases.Attach(ki.Lease, ki.Key);
                }
            });
        }
        if (scheduled != 0)
        {
            ScheduleCompaction(scheduled);
        }
    }

    /// <summary>Replays the key bucket into <paramref name="index"/>; returns the last revision found.</summary>
    private static long IndexKeys(ReadTx tx, TreeIndex index)
    {
        long currentRev = 1;
        // The key bucket is in revision order, so replaying it rebuilds each key's generations in order.
        tx.UnsafeForEach(Buckets.Key, (k, v) =>
        {
            Revision rev = Revision.FromBytes(k);
            currentRev = rev.Main;
            KeyValue kv = KeyValue.Parser.ParseFrom(v);
            KeyIndex? ki = index.Find(kv.Key.Memory);
            if (Revision.IsTombstone(k))
            {
                ki?.Tombstone(rev);
                return true;
            }
            if (ki is not null)
            {
                ki.Put(rev);
            }
            else
            {
                // Earlier history may be compacted away: creation and version come from the stored value.
                ki = new KeyIndex(kv.Key.ToByteArray());
                ki.Restore(new Revision(kv.CreateRevision, 0), rev, kv.Version);
                index.Insert(ki);
            }
            ki.Lease = kv.Lease;
            return true;
        });
        return currentRev;
    }
}
