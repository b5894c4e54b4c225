using EtcdNet.Storage;
using EtcdNet.Storage.Schema;

namespace EtcdNet.Server.Backup;

/// <summary>
/// etcdctl's `snapshot status`: a CRC-32C over every bucket's name, keys and values (buckets by name, keys in
/// order), the newest revision in the key bucket, the number of keys in all buckets and the database size.
/// </summary>
public sealed record SnapshotStatus(uint Hash, long Revision, int TotalKey, long TotalSize)
{
    /// <summary>
    /// Reads a snapshot file without changing it: the database is inspected in a scratch copy, since opening
    /// SQLite for reading may still write beside the file.
    /// </summary>
    public static SnapshotStatus Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new BackupException($"stat {path}: no such file or directory");
        }
        var scratch = Path.Combine(Path.GetTempPath(), $"etcdnet-status-{Guid.NewGuid():N}.db");
        try
        {
            CopyDatabase(path, scratch);
            return Inspect(scratch);
        }
        finally
        {
            foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(scratch + suffix);
        }
    }

    private static void CopyDatabase(string path, string scratch)
    {
        using var input = SnapshotFile.OpenRead(path);
        using var output = new FileStream(scratch, FileMode.CreateNew, FileAccess.Write);
        var length = SnapshotFile.HasTrailer(input.Length) ? input.Length - SnapshotFile.TrailerSize : input.Length;
        var buffer = new byte[64 * 1024];
        while (length > 0)
        {
            var n = input.Read(buffer, 0, (int)Math.Min(buffer.Length, length));
            if (n == 0) break;
            output.Write(buffer, 0, n);
            length -= n;
        }
    }

    private static SnapshotStatus Inspect(string db)
    {
        Backend backend;
        try
        {
            backend = Backend.Open(db, new BackendOptions { BatchInterval = TimeSpan.Zero, Fsync = false });
        }
        catch (Exception e) when (e is not BackupException)
        {
            throw new BackupException("invalid database");
        }
        using (backend)
        {
            uint crc = 0;
            long revision = 0;
            var total = 0;
            using var tx = backend.ConcurrentReadTx();
            foreach (var bucket in Buckets.All.OrderBy(b => b.Name, StringComparer.Ordinal))
            {
                crc = Crc32C.Update(crc, System.Text.Encoding.ASCII.GetBytes(bucket.Name));
                var isKey = bucket == Buckets.Key;
                tx.UnsafeForEach(bucket, (k, v) =>
                {
                    crc = Crc32C.Update(crc, k);
                    crc = Crc32C.Update(crc, v);
                    if (isKey) revision = RevisionKey.Decode(k).Main;
                    total++;
                    return true;
                });
            }
            return new SnapshotStatus(crc, revision, total, backend.Size);
        }
    }
}
