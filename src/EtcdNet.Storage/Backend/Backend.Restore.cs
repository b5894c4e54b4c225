namespace EtcdNet.Storage;

public sealed partial class Backend
{
    // Reads in flight, and whether a restore holds new ones back. A restore must close every connection before it
    // swaps the file: a SQLite connection left open on the old file would, when it closes, checkpoint and delete
    // the -wal file by name, which by then belongs to the new database.
    private readonly object _readGate = new();
    private int _openReads;
    private int _restoring;

    /// <summary>
    /// Writes a consistent copy of the committed database to <paramref name="path"/> (which must not exist), as
    /// etcd's snapshot of the backend. Buffered writes are not in it: commit first when they must be. Runs alongside
    /// readers and the writer.
    /// </summary>
    public void SnapshotTo(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ObjectDisposedException.ThrowIf(_disposed, this);
        EnterRead();
        try
        {
            SqliteSession session = RentReader();
            try
            {
                // VACUUM INTO reads one SQLite snapshot, so the copy never mixes two commits; it needs no transaction open.
                session.Exec($"VACUUM INTO '{path.Replace("'", "''", StringComparison.Ordinal)}'");
            }
            catch
            {
                session.Dispose();
                throw;
            }
            ReturnReader(session);
        }
        finally
        {
            ExitRead();
        }
    }

    /// <summary>
    /// Replaces the whole database with the file at <paramref name="path"/> (moved into place, so it is consumed):
    /// drops whatever is buffered, waits for reads in flight, closes every connection, swaps the file and reopens.
    /// This object stays the one everybody holds; reads started meanwhile wait and then see the new contents.
    /// </summary>
    public void Restore(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new BackendException($"restore: {path} does not exist");
        }
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            HoldReads();
            try
            {
                // The buffered writes belong to the state being replaced.
                lock (_layersLock)
                {
                    _pending = new TxBuffer();
                    _committing = null;
                }
                _writer.Dispose();
                while (_idleReaders.TryTake(out SqliteSession? reader))
                {
                    Interlocked.Decrement(ref _idleCount);
                    reader.Dispose();
                }
                File.Move(path, Path, overwrite: true);
                // Closing the last connection checkpointed and removed these; anything left describes the old file.
                File.Delete(Path + "-wal");
                File.Delete(Path + "-shm");
                _writer = OpenWriter();
            }
            finally
            {
                ReleaseReads();
            }
        }
    }

    /// <summary>Counts a read in, waiting while a restore is swapping the file.</summary>
    internal void EnterRead()
    {
        while (true)
        {
            if (Volatile.Read(ref _restoring) != 0)
            {
                lock (_readGate)
                {
                    while (_restoring != 0)
                    {
                        Monitor.Wait(_readGate);
                    }
                }
            }
            Interlocked.Increment(ref _openReads);
            // Both sides write then read through full fences, so a restore and a read never both miss each other.
            if (Volatile.Read(ref _restoring) == 0)
            {
                return;
            }
            ExitRead();
        }
    }

    internal void ExitRead()
    {
        if (Interlocked.Decrement(ref _openReads) == 0 && Volatile.Read(ref _restoring) != 0)
        {
            lock (_readGate)
            {
                Monitor.PulseAll(_readGate);
            }
        }
    }

    private void HoldReads()
    {
        Interlocked.Exchange(ref _restoring, 1);
        lock (_readGate)
        {
            // The timeout only guards against a wake-up lost between a reader's decrement and its check.
            while (Volatile.Read(ref _openReads) > 0)
            {
                Monitor.Wait(_readGate, TimeSpan.FromMilliseconds(10));
            }
        }
    }

    private void ReleaseReads()
    {
        lock (_readGate)
        {
            Interlocked.Exchange(ref _restoring, 0);
            Monitor.PulseAll(_readGate);
        }
    }
}
