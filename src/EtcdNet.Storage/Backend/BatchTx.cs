using System.Diagnostics.CodeAnalysis;
using EtcdNet.Storage.Schema;

namespace EtcdNet.Storage;

/// <summary>
/// The backend's single writer (etcd's batchTx). Writes are buffered and reach SQLite at the next commit; reads
/// through it see its own uncommitted writes. Every call takes the writer lock; wrap several calls in
/// <see cref="Lock"/> to keep an automatic commit from landing between them.
/// </summary>
public sealed class BatchTx : IBucketReader
{
    private readonly Backend _backend;

    internal BatchTx(Backend backend) => _backend = backend;

    /// <summary>Writes buffered and not yet committed.</summary>
    public int Pending
    {
        get
        {
            using Scope scope = Lock();
            return _backend.PendingLocked;
        }
    }

    /// <summary>Holds the writer lock until the scope is disposed; reentrant. The batch limit is checked on release.</summary>
    public Scope Lock()
    {
        _backend.EnterWrite();
        return new Scope(_backend);
    }

    /// <summary>Puts a copy of key and value.</summary>
    public void Put(Bucket bucket, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) => Put(bucket, key.ToArray(), value.ToArray());

    /// <summary>Puts key and value, taking ownership of both arrays: the caller must not change them afterwards.</summary>
    public void Put(Bucket bucket, byte[] key, byte[] value)
    {
        using Scope scope = Lock();
        _backend.WriteLocked(bucket, key, value);
    }

    /// <summary>Deletes a key (a no-op when absent).</summary>
    public void Delete(Bucket bucket, ReadOnlySpan<byte> key)
    {
        using Scope scope = Lock();
        _backend.WriteLocked(bucket, key.ToArray(), null);
    }

    /// <summary>Point lookup that sees this writer's uncommitted writes.</summary>
    public bool TryGet(Bucket bucket, ReadOnlySpan<byte> key, [NotNullWhen(true)] out byte[]? value)
    {
        using Scope scope = Lock();
        return _backend.TryGetLocked(bucket, key, out value);
    }

    /// <summary>
    /// Visits keys in [from, to) in order, at most <paramref name="limit"/> (0 = all); an empty
    /// <paramref name="to"/> means to the end of the bucket. Returns the number visited.
    /// </summary>
    public int UnsafeRange(Bucket bucket, ReadOnlySpan<byte> from, ReadOnlySpan<byte> to, long limit, KeyValueVisitor visitor)
    {
        using Scope scope = Lock();
        return _backend.RangeLocked(bucket, from, to, limit, visitor);
    }

    /// <summary>As the visitor overload, collecting copies of the pairs.</summary>
    public List<KeyValuePair<byte[], byte[]>> UnsafeRange(Bucket bucket, ReadOnlySpan<byte> from, ReadOnlySpan<byte> to, long limit)
    {
        var result = new List<KeyValuePair<byte[], byte[]>>();
        UnsafeRange(bucket, from, to, limit, (k, v) =>
        {
            result.Add(new KeyValuePair<byte[], byte[]>(k.ToArray(), v.ToArray()));
            return true;
        });
        return result;
    }

    /// <summary>Durably commits the batch (same as <see cref="Backend.Commit"/>).</summary>
    public void Commit() => _backend.Commit();

    /// <summary>Releases the writer lock taken by <see cref="Lock"/>.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly Backend _backend;

        internal Scope(Backend backend) => _backend = backend;

        /// <summary>Releases the lock; commits when the batch reached the limit and this was the outermost scope.</summary>
        public void Dispose() => _backend.ExitWrite();
    }
}
