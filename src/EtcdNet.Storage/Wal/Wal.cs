using System.Buffers;
using EtcdNet.Raft.Raftpb;

namespace EtcdNet.Storage;

/// <summary>
/// The raft write-ahead log in <c>member/wal</c>: hard state, entries and snapshot markers in CRC-checked
/// records, in preallocated segment files named <c>%016x-%016x.wal</c> (sequence, first index), as etcd's WAL.
/// </summary>
/// <remarks>
/// Life cycle, as etcd's: <see cref="Create"/> a new WAL, or <see cref="Open"/> an existing one at the snapshot
/// the server restored and call <see cref="ReadAll"/> once (which also repairs a torn tail); after that the WAL
/// appends: <see cref="Save"/> each raft Ready, <see cref="SaveSnapshot"/> before a snapshot file is relied on,
/// <see cref="ReleaseLockTo"/> and <see cref="Purge"/> once a snapshot covers old segments.
/// All members are thread-safe; the raft loop is expected to be the only writer.
/// File formats and the recovery rule: src/EtcdNet.Storage/Wal/README.md.
/// </remarks>
public sealed partial class Wal : IDisposable
{
    private readonly Lock _lock = new();
    private readonly WalOptions _options;

    // The segments this WAL holds open and locked, oldest first; the last is the tail being appended to.
    private readonly List<WalSegment> _segments;

    private string _dir;
    private WalSnapshot _start;
    private byte[] _metadata = [];
    private HardState _state = new();
    private bool _writable;
    private bool _disposed;

    // Running CRC-32C over the record data of the WAL so far, chained across segments.
    private uint _crc;

    // Where the next record goes in the tail segment.
    private long _offset;

    // The index of the last entry (or snapshot) written; a cut names the next segment after it.
    private ulong _lastIndex;

    // The batch buffer Save frames records into; rented, grown on demand, kept between calls.
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);

    private Wal(string dir, WalOptions options, List<WalSegment> segments)
    {
        _dir = dir;
        _options = options;
        _segments = segments;
    }

    /// <summary>The WAL directory (member/wal).</summary>
    public string Directory => _dir;

    /// <summary>The metadata recorded at the head of every segment.</summary>
    public ReadOnlyMemory<byte> Metadata => _metadata;

    /// <summary>The last hard state saved (or read back).</summary>
    public HardState State
    {
        get
        {
            lock (_lock)
            {
                return _state.Clone();
            }
        }
    }

    /// <summary>The index of the last entry or snapshot marker written.</summary>
    public ulong LastIndex
    {
        get
        {
            lock (_lock)
            {
                return _lastIndex;
            }
        }
    }

    /// <summary>True when <paramref name="dir"/> holds any WAL segment.</summary>
    public static bool Exists(string dir) =>
        System.IO.Directory.Exists(dir) && WalSegment.List(dir).Count != 0;

    /// <summary>
    /// Creates a new WAL in <paramref name="dir"/> with <paramref name="metadata"/> (etcd: the member and cluster
    /// ids), ready to append. The first segment is written under <c>dir.tmp</c> and renamed, so a crash leaves
    /// either no WAL or a whole one.
    /// </summary>
    public static Wal Create(string dir, ReadOnlySpan<byte> metadata, WalOptions? options = null)
    {
        options ??= new WalOptions();
        if (Exists(dir))
        {
            throw new WalException($"wal: {dir} already holds a WAL");
        }

        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir));
        string tmp = full + ".tmp";
        if (System.IO.Directory.Exists(tmp))
        {
            System.IO.Directory.Delete(tmp, recursive: true);
        }

        System.IO.Directory.CreateDirectory(tmp);
        string name = WalSegment.Name(0, 0);
        var first = new WalSegment(Path.Combine(tmp, name), 0, 0, WalSegment.CreatePreallocated(Path.Combine(tmp, name), options.SegmentSize));
        var wal = new Wal(tmp, options, [first]) { _metadata = metadata.ToArray(), _writable = true };
        try
        {
            lock (wal._lock)
            {
                int n = wal.FrameCrc(0, 0);
                n += wal.FrameMetadata(n);
                n += wal.FrameSnapshot(n, default);
                wal.Append(n);
                wal.Sync();
            }

            // An empty directory may stand where the WAL goes (the data dir layout was made ahead); replace it.
            if (System.IO.Directory.Exists(full))
            {
                System.IO.Directory.Delete(full, recursive: true);
            }

            System.IO.Directory.Move(tmp, full);
            wal._dir = full;
            first.Path = Path.Combine(full, name);
            Fsync.Directory(Path.GetDirectoryName(full)!);
            return wal;
        }
        catch
        {
            wal.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens the WAL in <paramref name="dir"/> for reading from <paramref name="from"/> (the snapshot the server
    /// restored, or <c>default</c>) and then appending: locks every segment that may hold entries after it.
    /// Call <see cref="ReadAll"/> before anything else.
    /// </summary>
    public static Wal Open(string dir, WalSnapshot from, WalOptions? options = null)
    {
        options ??= new WalOptions();
        if (!System.IO.Directory.Exists(dir))
        {
            throw new WalException($"wal: file not found (no directory {dir})");
        }

        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir));
        DeleteStaleTempFiles(full);
        List<(string Name, ulong Seq, ulong Index)> names = WalSegment.List(full);
        int first = SelectFirstSegment(full, names, from.Index);

        var segments = new List<WalSegment>(names.Count - first);
        try
        {
            for (int i = first; i < names.Count; i++)
            {
                string path = Path.Combine(full, names[i].Name);
                segments.Add(new WalSegment(path, names[i].Seq, names[i].Index, WalSegment.OpenLocked(path)));
            }
        }
        catch
        {
            foreach (WalSegment s in segments)
            {
                s.Dispose();
            }

            throw;
        }

        return new Wal(full, options, segments) { _start = from };
    }

    /// <summary>
    /// The segment to start reading at for a snapshot at <paramref name="index"/>: the last whose first index is at
    /// or below it. The segments from there on must have consecutive sequence numbers.
    /// </summary>
    private static int SelectFirstSegment(string dir, List<(string Name, ulong Seq, ulong Index)> names, ulong index)
    {
        if (names.Count == 0)
        {
            throw new WalException($"wal: file not found (no segments in {dir})");
        }

        int first = -1;
        for (int i = names.Count - 1; i >= 0; i--)
        {
            if (index >= names[i].Index)
            {
                first = i;
                break;
            }
        }

        if (first < 0)
        {
            throw new WalException($"wal: file not found (no segment in {dir} starts at or before index {index})");
        }

        for (int i = first + 1; i < names.Count; i++)
        {
            if (names[i].Seq != names[i - 1].Seq + 1)
            {
                throw new WalException($"wal: file not found (segment sequence breaks between {names[i - 1].Name} and {names[i].Name})");
            }
        }

        return first;
    }

    // A crash during a cut can leave the next segment half made under its .tmp name; it holds nothing acknowledged.
    private static void DeleteStaleTempFiles(string dir)
    {
        foreach (string path in System.IO.Directory.EnumerateFiles(dir, "*" + WalSegment.Extension + ".tmp"))
        {
            File.Delete(path);
        }
    }

    private WalSegment Tail => _segments[^1];

    private void EnsureWritable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_writable)
        {
            throw new InvalidOperationException("wal: ReadAll must be called after Open before the WAL is written");
        }
    }

    private void Sync()
    {
        if (_options.Fsync)
        {
            Fsync.File(Tail.Handle);
        }
    }

    /// <summary>Syncs the tail (if writable), closes and unlocks every segment.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            try
            {
                if (_writable && _segments.Count != 0)
                {
                    Sync();
                }
            }
            finally
            {
                foreach (WalSegment s in _segments)
                {
                    s.Dispose();
                }

                _segments.Clear();
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = [];
            }
        }
    }
}
