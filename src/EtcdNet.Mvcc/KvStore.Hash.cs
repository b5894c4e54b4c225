using System.Text;
using EtcdNet.Storage;
using EtcdNet.Storage.Schema;

namespace EtcdNet.Mvcc;

public sealed partial class KvStore
{
    /// <summary>
    /// etcd's HashByRev (the HashKV RPC): CRC-32C over the key bucket's name, then the key and value of every
    /// revision up to <paramref name="revision"/> (0 = current) that a compaction has not already made obsolete.
    /// Rows at or below the compact revision that the pending compaction will delete are skipped, so members that
    /// are at different points of their physical compaction still agree. Throws <see cref="CompactedException"/>
    /// at or below the compact revision and <see cref="FutureRevisionException"/> above the current one.
    /// </summary>
    public KvHash HashByRevision(long revision)
    {
        _restoreLock.EnterReadLock();
        try
        {
            while (true)
            {
                long compactRev = Volatile.Read(ref _compactMainRev);
                long currentRev = CurrentRevision;
                if (revision > 0 && revision <= compactRev)
                {
                    throw new CompactedException();
                }
                if (revision > 0 && revision > currentRev)
                {
                    throw new FutureRevisionException();
                }
                long rev = revision == 0 ? currentRev : revision;
                HashSet<Revision> keep = _index.Keep(rev);
                uint hash = HashKeyBucket(rev, compactRev, keep);
                // A compaction scheduled meanwhile may have deleted rows of this keep set: start over.
                if (Volatile.Read(ref _compactMainRev) == compactRev)
                {
                    return new KvHash(hash, currentRev, compactRev);
                }
            }
        }
        finally
        {
            _restoreLock.ExitReadLock();
        }
    }

    /// <summary>
    /// etcd's store Hash (the Hash RPC): CRC-32C over every bucket, in name order, of its name and then each key and
    /// value, leaving out meta's consistent index (it moves with entries that change nothing in the data).
    /// </summary>
    public KvHash HashAll()
    {
        _restoreLock.EnterReadLock();
        try
        {
            long currentRev = CurrentRevision;
            uint crc = 0;
            using ReadTx tx = _backend.ConcurrentReadTx();
            foreach (Bucket bucket in Buckets.All.OrderBy(b => b.Name, StringComparer.Ordinal))
            {
                crc = Crc32C.Update(crc, Encoding.UTF8.GetBytes(bucket.Name));
                bool isMeta = ReferenceEquals(bucket, Buckets.Meta);
                tx.UnsafeForEach(bucket, (key, value) =>
                {
                    if (!(isMeta && key.SequenceEqual(MetaKeys.ConsistentIndexKey)))
                    {
                        crc = Crc32C.Update(crc, key);
                        crc = Crc32C.Update(crc, value);
                    }
                    return true;
                });
            }
            return new KvHash(crc, currentRev, Volatile.Read(ref _compactMainRev));
        }
        finally
        {
            _restoreLock.ExitReadLock();
        }
    }

    private uint HashKeyBucket(long rev, long compactRev, HashSet<Revision> keep)
    {
        var upper = new Revision(rev + 1, 0);
        var lower = new Revision(compactRev + 1, 0);
        uint crc = Crc32C.Update(0, Encoding.UTF8.GetBytes(Buckets.Key.Name));
        using ReadTx tx = _backend.ConcurrentReadTx();
        tx.UnsafeForEach(Buckets.Key, (key, value) =>
        {
            Revision kr = Revision.FromBytes(key);
            if (!upper.GreaterThan(kr))
            {
                return true;
            }
            if (lower.GreaterThan(kr) && keep.Count > 0 && !keep.Contains(kr))
            {
                return true;
            }
            crc = Crc32C.Update(crc, key);
            crc = Crc32C.Update(crc, value);
            return true;
        });
        return crc;
    }
}
