using System.Security.Cryptography;

namespace EtcdNet.Server.Backup;

/// <summary>
/// A file written by `etcdctl snapshot save`: the backend's database followed by the SHA-256 of it (the trailer the
/// Snapshot RPC ends with). Whether the trailer is there is told by the size alone, as etcd tells it: a database is
/// a whole number of 512-byte sectors, so 32 bytes over means a trailer.
/// </summary>
public static class SnapshotFile
{
    /// <summary>Length of the SHA-256 trailer.</summary>
    public const int TrailerSize = 32;

    /// <summary>etcd's hasChecksum.</summary>
    public static bool HasTrailer(long size) => size % 512 == TrailerSize;

    /// <summary>
    /// Copies the database part of <paramref name="source"/> to <paramref name="target"/> (created), checking the
    /// trailer against what was copied unless <paramref name="skipHashCheck"/>. A file without a trailer is
    /// refused unless <paramref name="skipHashCheck"/>. Messages are etcdctl's.
    /// </summary>
    public static void CopyVerified(string source, string target, bool skipHashCheck)
    {
        using var input = OpenRead(source);
        long size = input.Length;
        if (size < TrailerSize)
        {
            // etcd seeks to 32 bytes before the end first, which fails on a shorter file.
            throw new BackupException($"seek {source}: invalid argument");
        }
        var expected = new byte[TrailerSize];
        input.Seek(-TrailerSize, SeekOrigin.End);
        input.ReadExactly(expected);
        input.Seek(0, SeekOrigin.Begin);

        bool hasTrailer = HasTrailer(size);
        long dbLength = hasTrailer ? size - TrailerSize : size;
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using (var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            var buffer = new byte[64 * 1024];
            long left = dbLength;
            while (left > 0)
            {
                int n = input.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                if (n == 0) throw new BackupException($"read {source}: unexpected EOF");
                output.Write(buffer, 0, n);
                sha.AppendData(buffer, 0, n);
                left -= n;
            }
            output.Flush(flushToDisk: true);
        }

        if (!hasTrailer && !skipHashCheck)
        {
            throw new BackupException("snapshot missing hash but --skip-hash-check=false");
        }
        if (hasTrailer && !skipHashCheck)
        {
            var actual = sha.GetHashAndReset();
            if (!actual.AsSpan().SequenceEqual(expected))
            {
                throw new BackupException($"expected sha256 {GoBytes(expected)}, got {GoBytes(actual)}");
            }
        }
    }

    /// <summary>Opens a file for reading, failing with Go's "open ...: no such file or directory".</summary>
    internal static FileStream OpenRead(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new BackupException($"open {path}: no such file or directory");
        }
    }

    /// <summary>A byte slice as Go's %v prints it: [1 2 3].</summary>
    private static string GoBytes(byte[] bytes) => "[" + string.Join(' ', bytes) + "]";
}
