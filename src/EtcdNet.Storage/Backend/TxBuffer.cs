using EtcdNet.Storage.Schema;

namespace EtcdNet.Storage;

/// <summary>
/// Writes of one batch not yet committed to SQLite (etcd's txBuffer): per bucket, keys kept sorted with their
/// new value, or null for a delete. The writer mutates it under its monitor; readers query it under the same
/// monitor. Once the batch is handed to commit the buffer is never mutated again, so a reader that holds on to it
/// keeps a complete picture of that batch even after the commit has published it to SQLite.
/// </summary>
internal sealed class TxBuffer
{
    private readonly BucketBuffer?[] _buckets = new BucketBuffer?[256];

    /// <summary>Number of operations buffered (a key written twice counts twice, as etcd's pending count).</summary>
    public int Count { get; private set; }

    /// <summary>Records a put (value) or delete (null); takes ownership of the arrays.</summary>
    public void Write(Bucket bucket, byte[] key, byte[]? value)
    {
        (_buckets[bucket.Id] ??= new BucketBuffer()).Write(key, value);
        Count++;
    }

    /// <summary>The buffer of one bucket, or null when nothing was written to it.</summary>
    public BucketBuffer? Bucket(Bucket bucket) => _buckets[bucket.Id];

    /// <summary>Applies every buffered write to the session (inside the caller's transaction), bucket by bucket in key order.</summary>
    public void WriteTo(SqliteSession session)
    {
        foreach (Bucket bucket in Buckets.All)
        {
            BucketBuffer? buffer = _buckets[bucket.Id];
            if (buffer is null)
            {
                continue;
            }
            for (int i = 0; i < buffer.Keys.Count; i++)
            {
                byte[]? value = buffer.Values[i];
                if (value is null)
                {
                    session.Delete(bucket, buffer.Keys[i]);
                }
                else
                {
                    session.Put(bucket, buffer.Keys[i], value);
                }
            }
        }
    }
}

/// <summary>Sorted pending writes of one bucket; appends in key order (revision keys) cost O(1).</summary>
internal sealed class BucketBuffer
{
    public List<byte[]> Keys { get; } = [];

    /// <summary>New value per key; null marks a delete.</summary>
    public List<byte[]?> Values { get; } = [];

    public void Write(byte[] key, byte[]? value)
    {
        int n = Keys.Count;
        // Fast path: MVCC writes ever-growing revision keys, so most writes land at the end.
        if (n == 0 || Keys[n - 1].AsSpan().SequenceCompareTo(key) < 0)
        {
            Keys.Add(key);
            Values.Add(value);
            return;
        }
        int i = Find(key);
        if (i >= 0)
        {
            Values[i] = value;
            return;
        }
        Keys.Insert(~i, key);
        Values.Insert(~i, value);
    }

    /// <summary>Binary search: the index of the key, or the bitwise complement of its insertion point.</summary>
    public int Find(ReadOnlySpan<byte> key)
    {
        int lo = 0, hi = Keys.Count - 1;
        while (lo <= hi)
        {
            int mid = lo + ((hi - lo) >> 1);
            int c = Keys[mid].AsSpan().SequenceCompareTo(key);
            if (c == 0)
            {
                return mid;
            }
            if (c < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return ~lo;
    }
}
