using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace EtcdNet.Storage;

/// <summary>
/// One segment file of the WAL, <c>%016x-%016x.wal</c> (sequence, raft index of its first entry), held open
/// with an exclusive lock while the WAL may still need it.
/// </summary>
internal sealed class WalSegment : IDisposable
{
    public const string Extension = ".wal";

    public WalSegment(string path, ulong seq, ulong index, SafeFileHandle handle)
    {
        Path = path;
        Seq = seq;
        Index = index;
        Handle = handle;
    }

    public string Path { get; set; }

    public ulong Seq { get; }

    /// <summary>The first raft index this segment may hold (etcd: the index after the last one before the cut).</summary>
    public ulong Index { get; }

    public SafeFileHandle Handle { get; }

    public static string Name(ulong seq, ulong index) => $"{seq:x16}-{index:x16}{Extension}";

    /// <summary>Parses a segment file name; false for anything else in the directory (.tmp files, strays).</summary>
    public static bool TryParseName(string name, out ulong seq, out ulong index)
    {
        seq = index = 0;
        return name.Length == 16 + 1 + 16 + Extension.Length
            && name.EndsWith(Extension, StringComparison.Ordinal)
            && name[16] == '-'
            && ulong.TryParse(name.AsSpan(0, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out seq)
            && ulong.TryParse(name.AsSpan(17, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out index);
    }

    /// <summary>The segment names in <paramref name="dir"/>, by sequence.</summary>
    public static List<(string Name, ulong Seq, ulong Index)> List(string dir)
    {
        var names = new List<(string Name, ulong Seq, ulong Index)>();
        foreach (string path in Directory.EnumerateFiles(dir))
        {
            string name = System.IO.Path.GetFileName(path);
            if (TryParseName(name, out ulong seq, out ulong index))
            {
                names.Add((name, seq, index));
            }
        }

        // Hex of fixed width sorts like the numbers it spells.
        names.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return names;
    }

    /// <summary>
    /// Opens a segment for reading and appending, locked: FileShare.None takes an exclusive flock on Unix, so a
    /// second process (or a second Wal in this one) cannot open the same WAL.
    /// </summary>
    public static SafeFileHandle OpenLocked(string path)
    {
        try
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (e is not FileNotFoundException)
        {
            throw new WalException($"wal: cannot lock {path}; is another etcdnet using this data directory? ({e.Message})", e);
        }
    }

    /// <summary>Creates a new file of <paramref name="size"/> zero bytes, with its blocks allocated where the file system can.</summary>
    public static SafeFileHandle CreatePreallocated(string path, long size)
    {
        // preallocationSize reserves the blocks (fallocate KEEP_SIZE); SetLength makes them readable as zeros, so a
        // reader finds a zero length field where records end and fdatasync does not have to grow the file.
        SafeFileHandle handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.None, size);
        try
        {
            if (RandomAccess.GetLength(handle) < size)
            {
                RandomAccess.SetLength(handle, size);
            }

            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    public void Dispose() => Handle.Dispose();
}
