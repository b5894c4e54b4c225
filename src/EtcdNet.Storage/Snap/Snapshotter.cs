using System.Globalization;
using EtcdNet.Raft.Raftpb;
using Google.Protobuf;

namespace EtcdNet.Storage;

/// <summary>
/// The raft snapshot files in <c>member/snap</c>: one <c>%016x-%016x.snap</c> (term, index) per snapshot, holding a
/// snappb.snapshot envelope (a CRC-32C and the marshaled raftpb.Snapshot), as etcd's snapshotter writes them.
/// Loading takes the newest readable file and renames unreadable ones to <c>.broken</c>.
/// </summary>
public sealed class Snapshotter
{
    /// <summary>The suffix of snapshot files.</summary>
    public const string Extension = ".snap";

    /// <summary>Uses (and creates if missing) the snapshot directory <paramref name="dir"/>.</summary>
    public Snapshotter(string dir)
    {
        System.IO.Directory.CreateDirectory(dir);
        Directory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir));
    }

    /// <summary>The snapshot directory (member/snap).</summary>
    public string Directory { get; }

    /// <summary>The file name of a snapshot at (term, index).</summary>
    public static string FileName(ulong term, ulong index) => $"{term:x16}-{index:x16}{Extension}";

    /// <summary>
    /// Writes <paramref name="snapshot"/> durably (to a .tmp file, fsynced, renamed, directory fsynced) and returns
    /// its path; null for an empty snapshot (index 0), which is not saved. Save the file first, then the WAL's
    /// snapshot marker (<see cref="Wal.SaveSnapshot"/>).
    /// </summary>
    public string? Save(Snapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        SnapshotMetadata? meta = snapshot.Metadata;
        if (meta is null || meta.Index == 0)
        {
            return null;
        }

        byte[] data = snapshot.ToByteArray();
        var envelope = new Snappb.snapshot { Crc = Crc32C.Compute(data), Data = UnsafeByteOperations.UnsafeWrap(data) };
        string path = Path.Combine(Directory, FileName(meta.Term, meta.Index));
        string tmp = path + ".tmp";
        using (var file = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            envelope.WriteTo(file);
            file.Flush(flushToDisk: true);
        }

        File.Move(tmp, path, overwrite: true);
        Fsync.Directory(Directory);
        return path;
    }

    /// <summary>The newest snapshot that reads back intact, or null when there is none. Unreadable files become <c>.broken</c>.</summary>
    public Snapshot? Load() => LoadMatching(static _ => true);

    /// <summary>
    /// The newest intact snapshot that the WAL has a marker for (from <see cref="Wal.ValidSnapshotEntries"/>), or
    /// null: a snapshot file written without its marker (a crash between the two) must not be used.
    /// </summary>
    public Snapshot? LoadNewestAvailable(IReadOnlyList<WalSnapshot> walSnapshots)
    {
        ArgumentNullException.ThrowIfNull(walSnapshots);
        return LoadMatching(s =>
        {
            for (int i = walSnapshots.Count - 1; i >= 0; i--)
            {
                if (walSnapshots[i].Index == s.Metadata.Index && walSnapshots[i].Term == s.Metadata.Term)
                {
                    return true;
                }
            }

            return false;
        });
    }

    /// <summary>Reads and checks one snapshot file; throws <see cref="SnapshotException"/> when it is empty, damaged or fails its CRC.</summary>
    public static Snapshot Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length == 0)
        {
            throw new SnapshotException($"snap: empty snapshot ({path})");
        }

        Snappb.snapshot envelope;
        try
        {
            envelope = Snappb.snapshot.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new SnapshotException($"snap: corrupt snapshot file {path}: {e.Message}", e);
        }

        if (envelope.Data.IsEmpty || envelope.Crc == 0)
        {
            throw new SnapshotException($"snap: empty snapshot ({path})");
        }

        uint crc = Crc32C.Compute(envelope.Data.Span);
        if (crc != envelope.Crc)
        {
            throw new SnapshotException($"snap: crc mismatch in {path} (file says 0x{envelope.Crc:x8}, data gives 0x{crc:x8})");
        }

        try
        {
            return Snapshot.Parser.ParseFrom(envelope.Data);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new SnapshotException($"snap: corrupt snapshot file {path}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Deletes the oldest snapshot files beyond <paramref name="maxSnapshots"/> (etcd's --max-snapshots, default 5;
    /// 0 keeps all); returns the deleted paths.
    /// </summary>
    public IReadOnlyList<string> Purge(int maxSnapshots)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxSnapshots);
        var deleted = new List<string>();
        if (maxSnapshots == 0)
        {
            return deleted;
        }

        List<string> names = Names();
        for (int i = maxSnapshots; i < names.Count; i++)
        {
            string path = Path.Combine(Directory, names[i]);
            File.Delete(path);
            deleted.Add(path);
        }

        return deleted;
    }

    /// <summary>The snapshot file names, newest (highest term, then index) first.</summary>
    public List<string> Names()
    {
        var names = new List<string>();
        foreach (string path in System.IO.Directory.EnumerateFiles(Directory, "*" + Extension))
        {
            string name = Path.GetFileName(path);
            if (IsSnapshotName(name))
            {
                names.Add(name);
            }
        }

        // Fixed-width hex sorts like the (term, index) pairs it spells.
        names.Sort(static (a, b) => string.CompareOrdinal(b, a));
        return names;
    }

    private Snapshot? LoadMatching(Func<Snapshot, bool> match)
    {
        foreach (string name in Names())
        {
            string path = Path.Combine(Directory, name);
            Snapshot snapshot;
            try
            {
                snapshot = Read(path);
            }
            catch (SnapshotException)
            {
                // Keep the evidence out of the way, as etcd does, and fall back to an older snapshot.
                File.Move(path, path + ".broken", overwrite: true);
                continue;
            }

            if (match(snapshot))
            {
                return snapshot;
            }
        }

        return null;
    }

    private static bool IsSnapshotName(string name) =>
        name.Length == 16 + 1 + 16 + Extension.Length
        && name[16] == '-'
        && name.EndsWith(Extension, StringComparison.Ordinal)
        && ulong.TryParse(name.AsSpan(0, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out _)
        && ulong.TryParse(name.AsSpan(17, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out _);
}
