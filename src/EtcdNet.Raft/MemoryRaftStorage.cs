using EtcdNet.Raft.Raftpb;

namespace EtcdNet.Raft;

/// <summary>
/// An in-memory <see cref="IRaftStorage"/>: the log after the last snapshot, the snapshot and the hard state.
/// The server keeps it next to its WAL; tests use it as the persisted state that survives a crash.
/// Not thread-safe: the caller serializes access (Raft itself owns no locks).
/// </summary>
public sealed class MemoryRaftStorage : IRaftStorage
{
    private HardState _hardState = new();
    private Snapshot _snapshot = EmptySnapshot();

    // _entries[0] is a dummy holding the snapshot's index and term, so Term(FirstIndex-1) always answers;
    // _entries[i] has log index _entries[0].Index + i.
    private List<Entry> _entries = [new Entry()];

    /// <inheritdoc />
    public (HardState HardState, ConfState ConfState) InitialState() =>
        (_hardState.Clone(), _snapshot.Metadata.ConfState?.Clone() ?? new ConfState());

    /// <summary>Records the hard state Ready asked to persist.</summary>
    public void SetHardState(HardState hardState) => _hardState = hardState.Clone();

    /// <summary>The hard state last set.</summary>
    public HardState HardState => _hardState;

    /// <inheritdoc />
    public IReadOnlyList<Entry> Entries(ulong lo, ulong hi, ulong maxSize)
    {
        var offset = _entries[0].Index;
        if (lo <= offset) throw new CompactedException();
        if (hi > LastIndex() + 1)
            throw new InvalidOperationException($"entries' hi({hi}) is out of bound lastindex({LastIndex()})");
        if (_entries.Count == 1) throw new UnavailableException(); // only the dummy entry
        var count = RaftLog.LimitCount(_entries, (int)(lo - offset), (int)(hi - lo), maxSize);
        return _entries.GetRange((int)(lo - offset), count);
    }

    /// <inheritdoc />
    public ulong Term(ulong i)
    {
        var offset = _entries[0].Index;
        if (i < offset) throw new CompactedException();
        if (i - offset >= (ulong)_entries.Count) throw new UnavailableException();
        return _entries[(int)(i - offset)].Term;
    }

    /// <inheritdoc />
    public ulong LastIndex() => _entries[0].Index + (ulong)_entries.Count - 1;

    /// <inheritdoc />
    public ulong FirstIndex() => _entries[0].Index + 1;

    /// <inheritdoc />
    public Snapshot Snapshot() => _snapshot;

    /// <summary>Replaces the whole log with a snapshot received from the leader.</summary>
    public void ApplySnapshot(Snapshot snapshot)
    {
        if (_snapshot.Metadata.Index >= snapshot.Metadata.Index) throw new SnapshotOutOfDateException();
        _snapshot = snapshot;
        _entries = [new Entry { Index = snapshot.Metadata.Index, Term = snapshot.Metadata.Term }];
    }

    /// <summary>
    /// Records a snapshot of the application at index i (which must be applied) so that a later
    /// <see cref="Compact"/> can drop the log before it; lagging followers receive this snapshot.
    /// </summary>
    public Snapshot CreateSnapshot(ulong i, ConfState? confState, Google.Protobuf.ByteString? data)
    {
        if (i <= _snapshot.Metadata.Index) throw new SnapshotOutOfDateException();
        var offset = _entries[0].Index;
        if (i > LastIndex()) throw new InvalidOperationException($"snapshot {i} is out of bound lastindex({LastIndex()})");
        var metadata = new SnapshotMetadata
        {
            Index = i,
            Term = _entries[(int)(i - offset)].Term,
            ConfState = confState?.Clone() ?? _snapshot.Metadata.ConfState?.Clone() ?? new ConfState(),
        };
        _snapshot = new Snapshot { Metadata = metadata, Data = data ?? Google.Protobuf.ByteString.Empty };
        return _snapshot;
    }

    /// <summary>
    /// Discards entries up to and including compactIndex, which must not exceed the index Raft has handed
    /// out as committed since start: after a restart Raft replays entries from the snapshot on, and conf
    /// changes among them must reach <see cref="RaftNode.ApplyConfChange(Raftpb.ConfChange)"/> again.
    /// </summary>
    public void Compact(ulong compactIndex)
    {
        var offset = _entries[0].Index;
        if (compactIndex <= offset) throw new CompactedException();
        if (compactIndex > LastIndex())
            throw new InvalidOperationException($"compact {compactIndex} is out of bound lastindex({LastIndex()})");
        var i = (int)(compactIndex - offset);
        var kept = new List<Entry>(_entries.Count - i) { new Entry { Index = _entries[i].Index, Term = _entries[i].Term } };
        for (var j = i + 1; j < _entries.Count; j++) kept.Add(_entries[j]);
        _entries = kept;
    }

    /// <summary>
    /// Appends entries Ready asked to persist, replacing any conflicting suffix. Entries already
    /// covered by the snapshot are ignored; a gap after the last index is an error.
    /// </summary>
    public void Append(IReadOnlyList<Entry> entries)
    {
        if (entries.Count == 0) return;
        var first = FirstIndex();
        var last = entries[0].Index + (ulong)entries.Count - 1;
        if (last < first) return; // everything already compacted
        var skip = first > entries[0].Index ? (int)(first - entries[0].Index) : 0;
        var start = entries[0].Index + (ulong)skip;
        var offset = start - _entries[0].Index;
        if ((ulong)_entries.Count < offset)
            throw new InvalidOperationException($"missing log entry [last: {LastIndex()}, append at: {start}]");
        if ((ulong)_entries.Count > offset) _entries.RemoveRange((int)offset, _entries.Count - (int)offset);
        for (var k = skip; k < entries.Count; k++) _entries.Add(entries[k]);
    }

    internal static Snapshot EmptySnapshot() => new() { Metadata = new SnapshotMetadata { ConfState = new ConfState() } };
}
