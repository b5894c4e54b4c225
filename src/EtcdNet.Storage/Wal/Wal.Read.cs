using EtcdNet.Raft.Raftpb;
using Google.Protobuf;
using Microsoft.Win32.SafeHandles;

namespace EtcdNet.Storage;

public sealed partial class Wal
{
    /// <summary>
    /// Reads every record from the start snapshot on and makes the WAL ready to append after the last good one.
    /// A torn write at the end of the tail segment (a crash mid-Save) is cut off: the segment is copied to
    /// <c>.broken</c> for inspection, truncated at the last good record and zeroed to its size. Damage anywhere else
    /// throws <see cref="WalCorruptException"/> naming the file and offset. Also throws <see cref="WalException"/>
    /// when the start snapshot's marker is missing or has another term, when segments disagree on the metadata,
    /// or when an entry leaves a gap after the snapshot.
    /// </summary>
    public WalReadResult ReadAll()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_writable)
            {
                throw new InvalidOperationException("wal: ReadAll was already called");
            }

            byte[]? metadata = null;
            var state = new HardState();
            var entries = new List<Entry>();
            bool matched = false;
            bool repaired = false;
            uint crc = 0;
            for (int i = 0; i < _segments.Count; i++)
            {
                WalSegment segment = _segments[i];
                bool isTail = i == _segments.Count - 1;
                using var decoder = new WalDecoder(segment.Path, segment.Handle, isTail, crc, _options.MaxRecordSize);
                while (decoder.Next(out WalRecordType type, out ReadOnlySpan<byte> data))
                {
                    switch (type)
                    {
                        case WalRecordType.Entry:
                            Entry e = Parse(Entry.Parser, data, segment, decoder);
                            AppendRead(entries, e, segment, decoder);
                            _lastIndex = e.Index;
                            break;
                        case WalRecordType.State:
                            state = Parse(HardState.Parser, data, segment, decoder);
                            break;
                        case WalRecordType.Metadata:
                            if (metadata is not null && !data.SequenceEqual(metadata))
                            {
                                throw new WalException($"wal: conflicting metadata found in {segment.Path}");
                            }

                            metadata ??= data.ToArray();
                            break;
                        case WalRecordType.Snapshot:
                            Walpb.Snapshot marker = Parse(Walpb.Snapshot.Parser, data, segment, decoder);
                            if (marker.Index == _start.Index)
                            {
                                if (marker.Term != _start.Term)
                                {
                                    throw new WalException(
                                        $"wal: snapshot mismatch (index {marker.Index} has term {marker.Term} in the WAL, {_start.Term} in the snapshot)");
                                }

                                matched = true;
                            }

                            if (_lastIndex < marker.Index)
                            {
                                _lastIndex = marker.Index;
                            }

                            break;
                        case WalRecordType.Crc:
                            // Checked by the decoder, which chains the CRC through it.
                            break;
                    }
                }

                crc = decoder.Crc;
                if (isTail)
                {
                    _offset = decoder.Offset;
                    if (decoder.Torn || decoder.HasGarbageAfterEnd)
                    {
                        RepairTail(segment, _offset, keepCopy: decoder.Torn);
                        repaired = decoder.Torn;
                    }
                }
            }

            if (!matched)
            {
                throw new WalException($"wal: snapshot not found (no marker for index {_start.Index} term {_start.Term} in {_dir})");
            }

            _metadata = metadata ?? [];
            _state = state;
            _crc = crc;
            _writable = true;
            return new WalReadResult(_metadata, state.Clone(), entries, repaired, _offset);
        }
    }

    /// <summary>
    /// The snapshot markers in the WAL in <paramref name="dir"/> whose index the last hard state has committed
    /// (so a snapshot file at one of them is safe to load), oldest first. Reads without locking, before the WAL
    /// is opened for writing; a torn tail just ends the read.
    /// </summary>
    public static IReadOnlyList<WalSnapshot> ValidSnapshotEntries(string dir, WalOptions? options = null)
    {
        options ??= new WalOptions();
        List<(string Name, ulong Seq, ulong Index)> names = WalSegment.List(dir);
        if (names.Count == 0)
        {
            throw new WalException($"wal: file not found (no segments in {dir})");
        }

        var snapshots = new List<WalSnapshot>();
        var state = new HardState();
        uint crc = 0;
        for (int i = 0; i < names.Count; i++)
        {
            string path = Path.Combine(dir, names[i].Name);
            using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var segment = new WalSegment(path, names[i].Seq, names[i].Index, handle);
            using var decoder = new WalDecoder(path, handle, isTail: i == names.Count - 1, crc, options.MaxRecordSize);
            while (decoder.Next(out WalRecordType type, out ReadOnlySpan<byte> data))
            {
                if (type == WalRecordType.Snapshot)
                {
                    snapshots.Add(WalSnapshot.FromProto(Parse(Walpb.Snapshot.Parser, data, segment, decoder)));
                }
                else if (type == WalRecordType.State)
                {
                    state = Parse(HardState.Parser, data, segment, decoder);
                }
            }

            crc = decoder.Crc;
        }

        snapshots.RemoveAll(s => s.Index > state.Commit);
        return snapshots;
    }

    /// <summary>
    /// Adds an entry read back, applying raft's overwrite rule: an entry at index i replaces the entries at i and
    /// above read before it (a new leader overwrote an uncommitted tail). Entries at or below the start snapshot
    /// are in the snapshot already.
    /// </summary>
    private void AppendRead(List<Entry> entries, Entry e, WalSegment segment, WalDecoder decoder)
    {
        if (e.Index <= _start.Index)
        {
            return;
        }

        ulong position = e.Index - _start.Index - 1;
        if (position > (ulong)entries.Count)
        {
            throw new WalCorruptException(
                segment.Path, decoder.RecordOffset, $"entry {e.Index} leaves a gap after entry {_start.Index + (ulong)entries.Count} (wal: slice bounds out of range)");
        }

        if (position < (ulong)entries.Count)
        {
            entries.RemoveRange((int)position, entries.Count - (int)position);
        }

        entries.Add(e);
    }

    // A record whose CRC matched but whose payload does not parse was written that way: still corruption.
    private static T Parse<T>(MessageParser<T> parser, ReadOnlySpan<byte> data, WalSegment segment, WalDecoder decoder)
        where T : IMessage<T>
    {
        try
        {
            return parser.ParseFrom(data);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new WalCorruptException(segment.Path, decoder.RecordOffset, $"undecodable {typeof(T).Name}: {e.Message}");
        }
    }

    /// <summary>
    /// Cuts the tail segment at <paramref name="offset"/> and zeroes the rest up to its size, so that later appends
    /// never leave stale bytes of a torn write behind them; keeps a copy (etcd: <c>.broken</c>) when records were lost.
    /// </summary>
    private void RepairTail(WalSegment segment, long offset, bool keepCopy)
    {
        long length = RandomAccess.GetLength(segment.Handle);
        if (keepCopy)
        {
            string broken = segment.Path + ".broken";
            using SafeFileHandle copy = File.OpenHandle(broken, FileMode.Create, FileAccess.Write);
            byte[] chunk = new byte[1 << 20];
            for (long p = 0; p < length;)
            {
                int n = RandomAccess.Read(segment.Handle, chunk, p);
                if (n == 0)
                {
                    break;
                }

                RandomAccess.Write(copy, chunk.AsSpan(0, n), p);
                p += n;
            }

            Fsync.File(copy);
        }

        RandomAccess.SetLength(segment.Handle, offset);
        RandomAccess.SetLength(segment.Handle, Math.Max(length, _options.SegmentSize));
        Fsync.File(segment.Handle);
    }
}
