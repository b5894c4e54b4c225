using System.Collections.Concurrent;
using EtcdNet.Storage.Schema;

namespace EtcdNet.Storage;

/// <summary>
/// The backend: etcd's ordered key/value buckets on SQLite (one WITHOUT ROWID table per bucket, WAL journal).
/// One writer (<see cref="BatchTx"/>) buffers its writes and commits them in one SQLite transaction on
/// <see cref="Commit"/>, on a timer or at a size limit; any number of readers (<see cref="ConcurrentReadTx"/>)
/// run alongside, each on its own pooled connection, and see committed data plus the writer's buffer, so they
/// neither block the writer nor wait for its fsync.
/// </summary>
public sealed partial class Backend : IDisposable
{
    private readonly BackendOptions _options;
    // Replaced only by Restore, under the write lock with every read held back.
    private SqliteSession _writer;
    private readonly ConcurrentBag<SqliteSession> _idleReaders = [];
    private readonly Timer? _timer;

    // Guards the writer's session and batch; held by BatchTx across a whole logical transaction.
    private readonly object _writeLock = new();

    // Guards swapping the references below, so a reader snapshots a consistent (committing, pending) pair.
    private readonly object _layersLock = new();
    private TxBuffer _pending = new();
    private TxBuffer? _committing;

    private int _lockDepth;
    private int _idleCount;
    private volatile bool _disposed;

    private Backend(string path, BackendOptions options)
    {
        Path = path;
        _options = options;
        _writer = OpenWriter();
        BatchTx = new BatchTx(this);
        if (options.BatchInterval > TimeSpan.Zero)
        {
            _timer = new Timer(_ => OnBatchInterval(), null, options.BatchInterval, options.BatchInterval);
        }
    }

    /// <summary>Opens or creates the backend database at <paramref name="path"/>.</summary>
    public static Backend Open(string path, BackendOptions? options = null) => new(path, options ?? new BackendOptions());

    /// <summary>Path of the database file.</summary>
    public string Path { get; }

    /// <summary>The single writer. Only the apply loop (and the compactor, under its lock) write.</summary>
    public BatchTx BatchTx { get; }

    /// <summary>Total size of the database in bytes (pages allocated, including free ones), as etcd's dbSize.</summary>
    public long Size
    {
        get
        {
            using ReadTx tx = ConcurrentReadTx();
            return tx.Session.QueryInt64("PRAGMA page_count") * tx.Session.QueryInt64("PRAGMA page_size");
        }
    }

    /// <summary>Bytes in use: (page_count - freelist_count) * page_size, as etcd's dbSizeInUse.</summary>
    public long SizeInUse
    {
        get
        {
            using ReadTx tx = ConcurrentReadTx();
            long pages = tx.Session.QueryInt64("PRAGMA page_count") - tx.Session.QueryInt64("PRAGMA freelist_count");
            return pages * tx.Session.QueryInt64("PRAGMA page_size");
        }
    }

    /// <summary>
    /// Starts a read that sees everything committed plus everything buffered by the writer so far. Any thread;
    /// dispose it promptly (an open read pins the SQLite snapshot).
    /// </summary>
    public ReadTx ConcurrentReadTx()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        EnterRead();
        TxBuffer? older;
        TxBuffer newer;
        // Take the buffers before SQLite's snapshot (fixed by the first SELECT): a batch committed in between is
        // then seen twice (identically), never missed.
        lock (_layersLock)
        {
            older = _committing;
            newer = _pending;
        }
        SqliteSession session;
        try
        {
            session = RentReader();
        }
        catch
        {
            ExitRead();
            throw;
        }
        try
        {
            session.Begin();
        }
        catch
        {
            session.Dispose();
            ExitRead();
            throw;
        }
        return new ReadTx(this, session, older, newer);
    }

    /// <summary>Durably commits everything buffered (fsync unless disabled). etcd's ForceCommit.</summary>
    public void Commit()
    {
        lock (_writeLock)
        {
            CommitLocked();
        }
    }

    /// <summary>Commits what is pending and closes every connection.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _timer?.Dispose();
        lock (_writeLock)
        {
            try
            {
                CommitLocked();
            }
            finally
            {
                _disposed = true;
                _writer.Dispose();
                while (_idleReaders.TryTake(out SqliteSession? reader))
                {
                    reader.Dispose();
                }
            }
        }
    }

    internal void EnterWrite()
    {
        Monitor.Enter(_writeLock);
        if (_disposed)
        {
            Monitor.Exit(_writeLock);
            throw new ObjectDisposedException(nameof(Backend));
        }
        _lockDepth++;
    }

    internal void ExitWrite()
    {
        try
        {
            if (--_lockDepth == 0 && _options.BatchLimit > 0 && _pending.Count >= _options.BatchLimit)
            {
                CommitLocked();
            }
        }
        finally
        {
            Monitor.Exit(_writeLock);
        }
    }

    /// <summary>Records a write in the pending batch; the caller holds the write lock.</summary>
    internal void WriteLocked(Bucket bucket, byte[] key, byte[]? value)
    {
        TxBuffer pending = _pending;
        lock (pending)
        {
            pending.Write(bucket, key, value);
        }
    }

    internal int PendingLocked => _pending.Count;

    internal bool TryGetLocked(Bucket bucket, ReadOnlySpan<byte> key, out byte[]? value) =>
        BufferedRead.TryGet(_writer, null, _pending, bucket, key, out value);

    internal int RangeLocked(Bucket bucket, ReadOnlySpan<byte> from, ReadOnlySpan<byte> to, long limit, KeyValueVisitor visitor) =>
        BufferedRead.Range(_writer, null, _pending, bucket, from, to, limit, visitor);

    internal void ReturnReader(SqliteSession session)
    {
        if (!_disposed && Interlocked.Increment(ref _idleCount) <= _options.MaxIdleReaders)
        {
            _idleReaders.Add(session);
            // Dispose may have drained the bag between the check and the Add; drain again so nothing leaks.
            if (_disposed && _idleReaders.TryTake(out SqliteSession? late))
            {
                late.Dispose();
            }
            return;
        }
        if (!_disposed)
        {
            Interlocked.Decrement(ref _idleCount);
        }
        session.Dispose();
    }

    /// <summary>Opens the writer connection and makes sure every bucket's table exists.</summary>
    private SqliteSession OpenWriter()
    {
        SqliteSession writer = SqliteSession.Open(Path, _options, writer: true);
        try
        {
            foreach (Bucket bucket in Buckets.All)
            {
                writer.Exec($"CREATE TABLE IF NOT EXISTS \"{bucket.TableName}\" (k BLOB PRIMARY KEY, v BLOB) WITHOUT ROWID");
            }
        }
        catch
        {
            writer.Dispose();
            throw;
        }
        return writer;
    }

    private SqliteSession RentReader()
    {
        if (_idleReaders.TryTake(out SqliteSession? session))
        {
            Interlocked.Decrement(ref _idleCount);
            return session;
        }
        return SqliteSession.Open(Path, _options, writer: false);
    }

    private void CommitLocked()
    {
        TxBuffer batch = _pending;
        if (batch.Count == 0)
        {
            return;
        }
        lock (_layersLock)
        {
            _committing = batch;
            _pending = new TxBuffer();
        }
        try
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            _writer.BeginImmediate();
            try
            {
                batch.WriteTo(_writer);
                _writer.CommitTx();
                _options.CommitObserved?.Invoke(System.Diagnostics.Stopwatch.GetElapsedTime(started));
            }
            catch
            {
                _writer.Rollback();
                throw;
            }
            lock (_layersLock)
            {
                _committing = null;
            }
        }
        catch
        {
            // Nothing reached the disk: keep the batch pending so readers still see it and a later commit retries.
            lock (_layersLock)
            {
                _pending = batch;
                _committing = null;
            }
            throw;
        }
    }

    private void OnBatchInterval()
    {
        // Never wait here: a writer holding the lock is mid-transaction and will be committed on a later tick.
        if (_disposed || !Monitor.TryEnter(_writeLock))
        {
            return;
        }
        try
        {
            if (!_disposed && _lockDepth == 0)
            {
                CommitLocked();
            }
        }
        catch (BackendException)
        {
            // The batch stays pending; the next explicit Commit surfaces the error to the apply loop.
        }
        finally
        {
            Monitor.Exit(_writeLock);
        }
    }
}
