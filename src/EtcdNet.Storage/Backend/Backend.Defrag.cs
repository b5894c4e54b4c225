namespace EtcdNet.Storage;

public sealed partial class Backend
{
    /// <summary>
    /// etcd's Defrag: commits what is buffered, then rebuilds the database file without its free pages (SQLite's
    /// VACUUM) and truncates the WAL, so <see cref="Size"/> drops to about <see cref="SizeInUse"/>. Holds the write
    /// lock and waits for reads in flight; writes and new reads wait until it is done.
    /// </summary>
    public void Defragment()
    {
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            CommitLocked();
            HoldReads();
            try
            {
                // Idle readers still hold prepared statements and WAL read marks; closing them lets the
                // checkpoint below shrink the -wal file to nothing.
                while (_idleReaders.TryTake(out SqliteSession? reader))
                {
                    Interlocked.Decrement(ref _idleCount);
                    reader.Dispose();
                }
                Failpoints.Failpoint.Hit("defragBeforeCopy");
                _writer.Exec("VACUUM");
                _writer.Exec("PRAGMA wal_checkpoint(TRUNCATE)");
            }
            finally
            {
                ReleaseReads();
            }
        }
    }
}
