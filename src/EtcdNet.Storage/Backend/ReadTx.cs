using System.Diagnostics.CodeAnalysis;
using EtcdNet.Storage.Schema;

namespace EtcdNet.Storage;

/// <summary>
/// A read of the backend from any thread (etcd's concurrentReadTx): one SQLite read transaction plus the
/// writer's buffered batches as they were when it began. Not thread-safe itself; dispose it when done.
/// </summary>
public sealed class ReadTx : IBucketReader, IDisposable
{
    private readonly Backend _backend;
    private readonly TxBuffer? _older;
    private readonly TxBuffer? _newer;
    private bool _disposed;

    internal ReadTx(Backend backend, SqliteSession session, TxBuffer? older, TxBuffer? newer)
    {
        _backend = backend;
        Session = session;
        _older = older;
        _newer = newer;
    }

    internal SqliteSession Session { get; }

    /// <summary>Point lookup.</summary>
    public bool TryGet(Bucket bucket, ReadOnlySpan<byte> key, [NotNullWhen(true)] out byte[]? value)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return BufferedRead.TryGet(Session, _older, _newer, bucket, key, out value);
    }

    /// <summary>
    /// Visits keys in [from, to) in order, at most <paramref name="limit"/> (0 = all); an empty
    /// <paramref name="to"/> means to the end of the bucket. Returns the number visited.
    /// </summary>
    public int UnsafeRange(Bucket bucket, ReadOnlySpan<byte> from, ReadOnlySpan<byte> to, long limit, KeyValueVisitor visitor)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return BufferedRead.Range(Session, _older, _newer, bucket, from, to, limit, visitor);
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

    /// <summary>Visits every pair of the bucket in key order.</summary>
    public int UnsafeForEach(Bucket bucket, KeyValueVisitor visitor) =>
        UnsafeRange(bucket, ReadOnlySpan<byte>.Empty, ReadOnlySpan<byte>.Empty, 0, visitor);

    /// <summary>Ends the SQLite read transaction and returns the connection to the pool.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        try
        {
            Session.CommitTx();
        }
        catch (BackendException)
        {
            Session.Dispose();
            _backend.ExitRead();
            return;
        }
        _backend.ReturnReader(Session);
        _backend.ExitRead();
    }
}
