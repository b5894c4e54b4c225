using EtcdNet.Storage.Schema;

namespace EtcdNet.Storage;

/// <summary>
/// Reads that see SQLite's committed data overlaid with not-yet-committed batches (etcd's readTx + txReadBuffer):
/// <c>older</c> is a batch being committed, <c>newer</c> the batch still filling; the newer write to a key wins.
/// </summary>
internal static class BufferedRead
{
    public static bool TryGet(SqliteSession session, TxBuffer? older, TxBuffer? newer, Bucket bucket,
        ReadOnlySpan<byte> key, out byte[]? value)
    {
        if (TryBuffered(newer, bucket, key, out value, out bool deleted) ||
            TryBuffered(older, bucket, key, out value, out deleted))
        {
            return !deleted;
        }
        value = session.Get(bucket, key);
        return value is not null;
    }

    public static int Range(SqliteSession session, TxBuffer? older, TxBuffer? newer, Bucket bucket,
        ReadOnlySpan<byte> from, ReadOnlySpan<byte> to, long limit, KeyValueVisitor visitor)
    {
        List<KeyValuePair<byte[], byte[]?>>? overlay = Overlay(Slice(older, bucket, from, to), Slice(newer, bucket, from, to));
        int visited = 0;
        int o = 0;
        int overlayCount = overlay?.Count ?? 0;
        SqliteSession.Scan scan = session.Range(bucket, from, to);
        try
        {
            bool haveRow = scan.MoveNext();
            while (haveRow || o < overlayCount)
            {
                if (limit > 0 && visited >= limit)
                {
                    break;
                }
                int c;
                if (!haveRow)
                {
                    c = 1;
                }
                else if (o >= overlayCount)
                {
                    c = -1;
                }
                else
                {
                    c = scan.Key.SequenceCompareTo(overlay![o].Key);
                }

                if (c < 0)
                {
                    visited++;
                    if (!visitor(scan.Key, scan.Value))
                    {
                        break;
                    }
                    haveRow = scan.MoveNext();
                    continue;
                }
                // The buffered write shadows the committed row with the same key.
                if (c == 0)
                {
                    haveRow = scan.MoveNext();
                }
                KeyValuePair<byte[], byte[]?> entry = overlay![o++];
                if (entry.Value is null)
                {
                    continue;
                }
                visited++;
                if (!visitor(entry.Key, entry.Value))
                {
                    break;
                }
            }
        }
        finally
        {
            scan.Dispose();
        }
        return visited;
    }

    private static bool TryBuffered(TxBuffer? buffer, Bucket bucket, ReadOnlySpan<byte> key, out byte[]? value, out bool deleted)
    {
        value = null;
        deleted = false;
        if (buffer is null)
        {
            return false;
        }
        lock (buffer)
        {
            BucketBuffer? b = buffer.Bucket(bucket);
            if (b is null)
            {
                return false;
            }
            int i = b.Find(key);
            if (i < 0)
            {
                return false;
            }
            value = b.Values[i];
            deleted = value is null;
            return true;
        }
    }

    /// <summary>Copies the buffered writes within [from, to) (to empty = unbounded) under the buffer's monitor.</summary>
    private static List<KeyValuePair<byte[], byte[]?>>? Slice(TxBuffer? buffer, Bucket bucket, ReadOnlySpan<byte> from, ReadOnlySpan<byte> to)
    {
        if (buffer is null)
        {
            return null;
        }
        lock (buffer)
        {
            BucketBuffer? b = buffer.Bucket(bucket);
            if (b is null || b.Keys.Count == 0)
            {
                return null;
            }
            int lo = b.Find(from);
            if (lo < 0)
            {
                lo = ~lo;
            }
            int hi = b.Keys.Count;
            if (!to.IsEmpty)
            {
                hi = b.Find(to);
                if (hi < 0)
                {
                    hi = ~hi;
                }
            }
            if (lo >= hi)
            {
                return null;
            }
            var slice = new List<KeyValuePair<byte[], byte[]?>>(hi - lo);
            for (int i = lo; i < hi; i++)
            {
                slice.Add(new KeyValuePair<byte[], byte[]?>(b.Keys[i], b.Values[i]));
            }
            return slice;
        }
    }

    /// <summary>Merges two sorted slices; on equal keys the newer one wins.</summary>
    private static List<KeyValuePair<byte[], byte[]?>>? Overlay(List<KeyValuePair<byte[], byte[]?>>? older, List<KeyValuePair<byte[], byte[]?>>? newer)
    {
        if (older is null)
        {
            return newer;
        }
        if (newer is null)
        {
            return older;
        }
        var merged = new List<KeyValuePair<byte[], byte[]?>>(older.Count + newer.Count);
        int i = 0, j = 0;
        while (i < older.Count || j < newer.Count)
        {
            int c = i >= older.Count ? 1 : j >= newer.Count ? -1 : older[i].Key.AsSpan().SequenceCompareTo(newer[j].Key);
            if (c < 0)
            {
                merged.Add(older[i++]);
            }
            else
            {
                if (c == 0)
                {
                    i++;
                }
                merged.Add(newer[j++]);
            }
        }
        return merged;
    }
}
