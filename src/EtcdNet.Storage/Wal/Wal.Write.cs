using System.Buffers;
using EtcdNet.Raft.Raftpb;

namespace EtcdNet.Storage;

public sealed partial class Wal
{
    /// <summary>
    /// Appends <paramref name="entries"/> and then <paramref name="state"/> (unless empty) as one write, and fsyncs
    /// it when raft requires (MustSync: any entry, or a new term or vote; a commit-only change may wait for the next
    /// sync). Cuts a new segment once the tail reaches the segment size. An entry whose index is already in the log
    /// replaces it and everything after it when the WAL is read back (raft's conflict rule).
    /// </summary>
    public void Save(HardState state, IReadOnlyList<Entry> entries)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(entries);
        lock (_lock)
        {
            EnsureWritable();
            bool hasState = !IsEmpty(state);
            if (!hasState && entries.Count == 0)
            {
                return;
            }

            bool mustSync = entries.Count != 0 || state.Term != _state.Term || state.Vote != _state.Vote;

            int capacity = hasState ? WalRecordCodec.MaxFrameSize(state.CalculateSize()) : 0;
            for (int i = 0; i < entries.Count; i++)
            {
                capacity += WalRecordCodec.MaxFrameSize(entries[i].CalculateSize());
            }

            EnsureBuffer(capacity);
            uint crcBefore = _crc;
            try
            {
                int n = 0;
                for (int i = 0; i < entries.Count; i++)
                {
                    Entry e = entries[i];
                    n += WalRecordCodec.WriteMessage(_buffer.AsSpan(n), WalRecordType.Entry, ref _crc, e, e.CalculateSize());
                }

                if (hasState)
                {
                    n += WalRecordCodec.WriteMessage(_buffer.AsSpan(n), WalRecordType.State, ref _crc, state, state.CalculateSize());
                }

                Append(n);
            }
            catch
            {
                // Nothing past _offset counts; the next write overwrites whatever part of the batch reached the file.
                _crc = crcBefore;
                throw;
            }

            if (entries.Count != 0)
            {
                _lastIndex = entries[^1].Index;
            }

            if (hasState)
            {
                _state = state.Clone();
            }

            if (_offset < _options.SegmentSize)
            {
                if (mustSync)
                {
                    Sync();
                }

                return;
            }

            Cut();
        }
    }

    /// <summary>
    /// Records that a snapshot at (index, term) exists, and fsyncs. Write the marker before the snapshot file is
    /// relied on (etcd saves the .snap file, then this, then releases old segments): on restart only snapshots
    /// the WAL has a marker for are loaded, and the WAL is read from the marker on.
    /// </summary>
    public void SaveSnapshot(WalSnapshot snapshot)
    {
        lock (_lock)
        {
            EnsureWritable();
            int n = FrameSnapshot(0, snapshot);
            Append(n);
            if (_lastIndex < snapshot.Index)
            {
                _lastIndex = snapshot.Index;
            }

            Sync();
        }
    }

    /// <summary>Fsyncs the tail segment (a no-op with <see cref="WalOptions.Fsync"/> off).</summary>
    public void Flush()
    {
        lock (_lock)
        {
            EnsureWritable();
            Sync();
        }
    }

    /// <summary>
    /// Unlocks the segments that hold only entries below <paramref name="index"/>, keeping the last one that starts
    /// below it (it may still hold entries at or after <paramref name="index"/>), as etcd's ReleaseLockTo:
    /// holding segments starting at 1,2,3,4,5,6, ReleaseLockTo(4) releases 1 and 2 and keeps 3.
    /// Released segments stay on disk until <see cref="Purge"/>.
    /// </summary>
    public void ReleaseLockTo(ulong index)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            int firstAtOrAbove = _segments.FindIndex(s => s.Index >= index);
            int release = (firstAtOrAbove < 0 ? _segments.Count : firstAtOrAbove) - 1;
            if (release <= 0)
            {
                return;
            }

            for (int i = 0; i < release; i++)
            {
                _segments[i].Dispose();
            }

            _segments.RemoveRange(0, release);
        }
    }

    /// <summary>
    /// Deletes the oldest segment files beyond <paramref name="maxSegments"/> (etcd's --max-wals, default 5; 0 keeps
    /// all) that this WAL no longer holds; returns the deleted paths. Segments still locked are never deleted, so
    /// the count can stay above the limit until <see cref="ReleaseLockTo"/> lets them go.
    /// </summary>
    public IReadOnlyList<string> Purge(int maxSegments)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxSegments);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var deleted = new List<string>();
            if (maxSegments == 0)
            {
                return deleted;
            }

            List<(string Name, ulong Seq, ulong Index)> names = WalSegment.List(_dir);
            for (int i = 0; names.Count - i > maxSegments; i++)
            {
                string path = Path.Combine(_dir, names[i].Name);
                if (_segments.Exists(s => s.Path == path))
                {
                    break;
                }

                File.Delete(path);
                deleted.Add(path);
            }

            return deleted;
        }
    }

    /// <summary>
    /// Seals the tail and starts the next segment: the tail is truncated to its records and synced; the new one is
    /// made under a .tmp name with its head (the running CRC, the metadata, the hard state), synced, and renamed
    /// into place, so a segment with a valid name always has a whole head.
    /// </summary>
    private void Cut()
    {
        WalSegment tail = Tail;
        RandomAccess.SetLength(tail.Handle, _offset);
        Sync();

        ulong seq = tail.Seq + 1;
        ulong index = _lastIndex + 1;
        string path = Path.Combine(_dir, WalSegment.Name(seq, index));
        string tmp = path + ".tmp";
        if (File.Exists(tmp))
        {
            File.Delete(tmp);
        }

        var next = new WalSegment(tmp, seq, index, WalSegment.CreatePreallocated(tmp, _options.SegmentSize));
        _segments.Add(next);
        _offset = 0;

        int n = FrameCrc(0, _crc);
        n += FrameMetadata(n);
        if (!IsEmpty(_state))
        {
            EnsureBuffer(n + WalRecordCodec.MaxFrameSize(_state.CalculateSize()));
            n += WalRecordCodec.WriteMessage(_buffer.AsSpan(n), WalRecordType.State, ref _crc, _state, _state.CalculateSize());
        }

        Append(n);
        Sync();

        File.Move(tmp, path);
        next.Path = path;
        Fsync.Directory(_dir);
    }

    // The write path: one positional write of the framed batch at the tail's offset.
    private void Append(int count)
    {
        RandomAccess.Write(Tail.Handle, _buffer.AsSpan(0, count), _offset);
        _offset += count;
    }

    private int FrameCrc(int at, uint previousCrc)
    {
        EnsureBuffer(at + WalRecordCodec.MaxFrameSize(0));
        uint crc = previousCrc;
        return WalRecordCodec.Write(_buffer.AsSpan(at), WalRecordType.Crc, ref crc, hasData: false, 0, 0, static (_, _) => { });
    }

    private int FrameMetadata(int at)
    {
        EnsureBuffer(at + WalRecordCodec.MaxFrameSize(_metadata.Length));
        return WalRecordCodec.Write(
            _buffer.AsSpan(at), WalRecordType.Metadata, ref _crc, hasData: true, _metadata.Length, _metadata, static (span, m) => m.CopyTo(span));
    }

    private int FrameSnapshot(int at, WalSnapshot snapshot)
    {
        Walpb.Snapshot proto = snapshot.ToProto();
        int size = proto.CalculateSize();
        EnsureBuffer(at + WalRecordCodec.MaxFrameSize(size));
        return WalRecordCodec.WriteMessage(_buffer.AsSpan(at), WalRecordType.Snapshot, ref _crc, proto, size);
    }

    private void EnsureBuffer(int size)
    {
        if (_buffer.Length >= size)
        {
            return;
        }

        byte[] bigger = ArrayPool<byte>.Shared.Rent(Math.Max(size, _buffer.Length * 2));
        _buffer.CopyTo(bigger, 0);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    private static bool IsEmpty(HardState state) => state.Term == 0 && state.Vote == 0 && state.Commit == 0;
}
