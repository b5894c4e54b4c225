using EtcdNet.Storage;
using EtcdNet.Storage.Failpoints;
using EtcdNet.Storage.Schema;

namespace EtcdNet.Mvcc;

public sealed partial class KvStore
{
    /// <summary>
    /// Compacts history below <paramref name="revision"/>, on the apply thread. Validates synchronously
    /// (<see cref="CompactedException"/> when not above the last compaction, <see cref="FutureRevisionException"/>
    /// when above the current revision), durably records the scheduled revision, and returns a task that completes
    /// when the superseded revisions are physically removed. Reads below the revision fail from now on.
    /// Compactions run one after another in the order requested.
    /// </summary>
    public Task Compact(long revision)
    {
        if (revision <= Volatile.Read(ref _compactMainRev))
        {
            throw new CompactedException();
        }
        if (revision > CurrentRevision)
        {
            throw new FutureRevisionException();
        }
        Volatile.Write(ref _compactMainRev, revision);
        _backend.BatchTx.Put(Buckets.Meta, MetaKeys.ScheduledCompactRevKey, RevisionKey.Encode(revision, 0));
        // The intent must survive a crash so that a restart finishes the job.
        Failpoint.Hit("compactBeforeCommitScheduledCompact");
        Commit();
        Failpoint.Hit("compactAfterCommitScheduledCompact");
        return ScheduleCompaction(revision);
    }

    private Task ScheduleCompaction(long revision)
    {
        lock (_compactionLock)
        {
            Task previous = _compactionTail;
            Task next = Task.Run(async () =>
            {
                try
                {
                    await previous.ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // An earlier compaction's failure was reported through its own task; carry on with this one.
                }
                RunCompaction(revision);
            });
            _compactionTail = next;
            return next;
        }
    }

    /// <summary>Compacts the index, then deletes from the key bucket every revision ≤ <paramref name="revision"/> the index no longer needs, in batches.</summary>
    private void RunCompaction(long revision)
    {
        HashSet<Revision> keep = _index.Compact(revision);
        int batchLimit = _options.CompactionBatchLimit;
        BatchTx tx = _backend.BatchTx;
        // Keys below (revision + 1, 0) are exactly those with main ≤ revision, tombstones included.
        byte[] end = RevisionKey.Encode(revision + 1, 0);
        byte[] last = RevisionKey.Encode(0, 0);
        var keys = new List<byte[]>(batchLimit);
        while (!_stopping && !_abandonCompaction)
        {
            keys.Clear();
            using (tx.Lock())
            {
                tx.UnsafeRange(Buckets.Key, last, end, batchLimit, (k, _) =>
                {
                    keys.Add(k.ToArray());
                    return true;
                });
                Revision rev = default;
                foreach (byte[] key in keys)
                {
                    rev = Revision.FromBytes(key);
                    if (!keep.Contains(rev))
                    {
                        tx.Delete(Buckets.Key, key);
                    }
                }
                if (keys.Count < batchLimit)
                {
                    Failpoint.Hit("compactBeforeSetFinishedCompact");
                    tx.Put(Buckets.Meta, MetaKeys.FinishedCompactRevKey, RevisionKey.Encode(revision, 0));
                    break;
                }
                last = RevisionKey.Encode(rev.Main, rev.Sub + 1);
            }
            // Commit each full batch so that one compaction never builds a huge transaction.
            Failpoint.Hit("compactBeforeCommitBatch");
            _backend.Commit();
            Failpoint.Hit("compactAfterCommitBatch");
        }
        _backend.Commit();
    }
}
