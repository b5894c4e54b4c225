using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Api.Mvccpb;
using EtcdNet.Storage;
using EtcdNet.Storage.Schema;
using Google.Protobuf;

namespace EtcdNet.Mvcc;

public sealed partial class KvStore
{
    // Below this many values, point lookups beat one scan; above it a scan wins when the revisions are dense.
    private const int ScanThreshold = 8;

    /// <summary>
    /// Range from any thread, concurrent with the apply thread. The header carries the current revision (other
    /// header fields are the server's). Throws <see cref="FutureRevisionException"/> or <see cref="CompactedException"/>.
    /// </summary>
    public RangeResponse Range(RangeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        _restoreLock.EnterReadLock();
        try
        {
            // Revision first, then the backend read: everything up to this revision is buffered or committed by now.
            long curRev = CurrentRevision;
            using ReadTx tx = _backend.ConcurrentReadTx();
            return RangeResponseOf(tx, request, curRev);
        }
        finally
        {
            _restoreLock.ExitReadLock();
        }
    }

    /// <summary>etcd's applier Range: filters, sort, limit and `more` on top of the store's range.</summary>
    private RangeResponse RangeResponseOf(IBucketReader reader, RangeRequest r, long curRev)
    {
        long limit = r.Limit;
        if (r.SortOrder != RangeRequest.Types.SortOrder.None ||
            r.MinModRevision != 0 || r.MaxModRevision != 0 || r.MinCreateRevision != 0 || r.MaxCreateRevision != 0)
        {
            // Sorting and filtering need every match; the limit applies afterwards.
            limit = 0;
        }
        if (limit > 0)
        {
            // One extra tells us whether there is more.
            limit++;
        }

        (List<KeyValue> kvs, int count, long rev) = RangeKeys(reader, r.Key.Memory, RangeEndOf(r.RangeEnd), r.Revision, curRev, limit, r.CountOnly);

        if (r.MaxModRevision != 0)
        {
            kvs.RemoveAll(kv => kv.ModRevision > r.MaxModRevision);
        }
        if (r.MinModRevision != 0)
        {
            kvs.RemoveAll(kv => kv.ModRevision < r.MinModRevision);
        }
        if (r.MaxCreateRevision != 0)
        {
            kvs.RemoveAll(kv => kv.CreateRevision > r.MaxCreateRevision);
        }
        if (r.MinCreateRevision != 0)
        {
            kvs.RemoveAll(kv => kv.CreateRevision < r.MinCreateRevision);
        }

        RangeRequest.Types.SortOrder order = r.SortOrder;
        if (r.SortTarget != RangeRequest.Types.SortTarget.Key && order == RangeRequest.Types.SortOrder.None)
        {
            // etcd: a non-key target without an order means ascending.
            order = RangeRequest.Types.SortOrder.Ascend;
        }
        if (order != RangeRequest.Types.SortOrder.None && kvs.Count > 1)
        {
            RangeSort.Sort(kvs, r.SortTarget, order == RangeRequest.Types.SortOrder.Descend);
        }

        var resp = new RangeResponse { Header = new ResponseHeader { Revision = rev }, Count = count };
        int take = kvs.Count;
        if (r.Limit > 0 && kvs.Count > r.Limit)
        {
            take = (int)r.Limit;
            resp.More = true;
        }
        for (int i = 0; i < take; i++)
        {
            KeyValue kv = kvs[i];
            if (r.KeysOnly)
            {
                kv.Value = ByteString.Empty;
            }
            resp.Kvs.Add(kv);
        }
        return resp;
    }

    /// <summary>
    /// etcd's rangeKeys: the live keys of the range at <paramref name="requestedRev"/> (0 = current), the total
    /// count, and the revision to report (<paramref name="curRev"/>).
    /// </summary>
    private (List<KeyValue> Kvs, int Count, long Rev) RangeKeys(IBucketReader reader, ReadOnlyMemory<byte> key, ReadOnlyMemory<byte>? end,
        long requestedRev, long curRev, long limit, bool countOnly)
    {
        long rev = requestedRev;
        if (rev > curRev)
        {
            throw new FutureRevisionException();
        }
        if (rev <= 0)
        {
            rev = curRev;
        }
        if (rev < Volatile.Read(ref _compactMainRev))
        {
            throw new CompactedException();
        }

        var revs = new List<Revision>();
        int count = _index.Revisions(key, end, rev, revs);
        // A compaction past `rev` that started after the check above may have pruned the index under us; the
        // compact revision moves before any pruning, so checking again tells a complete answer from a torn one.
        if (rev < Volatile.Read(ref _compactMainRev))
        {
            throw new CompactedException();
        }
        if (count == 0 || countOnly)
        {
            return ([], count, curRev);
        }
        int n = limit <= 0 || limit > count ? count : (int)limit;
        var kvs = new List<KeyValue>(n);
        if (!FetchValues(reader, revs, n, kvs))
        {
            // A value vanished under us: only compaction removes history, so the read is at a compacted revision.
            if (rev < Volatile.Read(ref _compactMainRev))
            {
                throw new CompactedException();
            }
            throw new InvalidOperationException($"mvcc: range at revision {rev} cannot find a value in the backend");
        }
        return (kvs, count, curRev);
    }

    /// <summary>Loads the values of the first <paramref name="n"/> revisions, in order; false when one is missing.</summary>
    private static bool FetchValues(IBucketReader reader, List<Revision> revs, int n, List<KeyValue> into)
    {
        long min = long.MaxValue, max = long.MinValue;
        for (int i = 0; i < n; i++)
        {
            min = Math.Min(min, revs[i].Main);
            max = Math.Max(max, revs[i].Main);
        }
        if (n >= ScanThreshold && max - min < 4L * n)
        {
            return ScanValues(reader, revs, n, min, max, into);
        }
        Span<byte> revKey = stackalloc byte[RevisionKey.Size];
        for (int i = 0; i < n; i++)
        {
            revs[i].WriteTo(revKey);
            if (!reader.TryGet(Buckets.Key, revKey, out byte[]? value))
            {
                return false;
            }
            into.Add(KeyValue.Parser.ParseFrom(value));
        }
        return true;
    }

    /// <summary>One ordered scan over [min, max] of the key bucket, picking the wanted revisions out of it.</summary>
    private static bool ScanValues(IBucketReader reader, List<Revision> revs, int n, long min, long max, List<KeyValue> into)
    {
        // Positions sorted by revision, to walk alongside the scan (which comes in revision order).
        var order = new int[n];
        var wanted = new Revision[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
            wanted[i] = revs[i];
        }
        Array.Sort(wanted, order);
        var found = new KeyValue?[n];
        int next = 0;
        byte[] from = RevisionKey.Encode(min, 0);
        byte[] to = RevisionKey.Encode(max + 1, 0);
        reader.UnsafeRange(Buckets.Key, from, to, 0, (k, v) =>
        {
            if (RevisionKey.IsTombstone(k))
            {
                return true;
            }
            Revision r = Revision.FromBytes(k);
            if (next < n && wanted[next] < r)
            {
                // Passed a wanted revision without seeing it: it is missing.
                return false;
            }
            if (next < n && wanted[next] == r)
            {
                found[order[next]] = KeyValue.Parser.ParseFrom(v);
                next++;
            }
            return next < n;
        });
        if (next < n)
        {
            return false;
        }
        for (int i = 0; i < n; i++)
        {
            into.Add(found[i]!);
        }
        return true;
    }

    /// <summary>etcd's range end convention: empty = the single key, "\0" = to the end of the keyspace.</summary>
    private static ReadOnlyMemory<byte>? RangeEndOf(ByteString rangeEnd)
    {
        if (rangeEnd.IsEmpty)
        {
            return null;
        }
        if (rangeEnd.Length == 1 && rangeEnd[0] == 0)
        {
            return ReadOnlyMemory<byte>.Empty;
        }
        return rangeEnd.Memory;
    }
}
