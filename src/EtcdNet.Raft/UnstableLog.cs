using EtcdNet.Raft.Raftpb;

namespace EtcdNet.Raft;

/// <summary>
/// The tail of the log (and possibly an incoming snapshot) that the application has not persisted yet.
/// Entry i lives at _entries[i - Offset]; everything below Offset is in storage (or in the snapshot).
/// </summary>
internal sealed class UnstableLog
{
    private readonly List<Entry> _entries = [];

    public Snapshot? Snapshot { get; private set; }

    public ulong Offset { get; private set; }

    public int Count => _entries.Count;

    public UnstableLog(ulong offset) => Offset = offset;

    public Entry this[ulong index] => _entries[(int)(index - Offset)];

    /// <summary>The first index if a pending snapshot defines it.</summary>
    public bool TryFirstIndex(out ulong index)
    {
        index = Snapshot is null ? 0 : Snapshot.Metadata.Index + 1;
        return Snapshot is not null;
    }

    /// <summary>The last index if unstable entries or a pending snapshot define it.</summary>
    public bool TryLastIndex(out ulong index)
    {
        if (_entries.Count > 0)
        {
            index = Offset + (ulong)_entries.Count - 1;
            return true;
        }
        index = Snapshot?.Metadata.Index ?? 0;
        return Snapshot is not null;
    }

    /// <summary>The term of i if this unstable part knows it.</summary>
    public bool TryTerm(ulong i, out ulong term)
    {
        term = 0;
        if (i < Offset)
        {
            if (Snapshot is not null && Snapshot.Metadata.Index == i)
            {
                term = Snapshot.Metadata.Term;
                return true;
            }
            return false;
        }
        if (!TryLastIndex(out var last) || i > last) return false;
        term = _entries[(int)(i - Offset)].Term;
        return true;
    }

    /// <summary>The application persisted entries up to (i, t): drop them unless they were replaced meanwhile.</summary>
    public void StableTo(ulong i, ulong t)
    {
        if (!TryTerm(i, out var gt)) return;
        // Only when the term still matches: a newer leader may have overwritten the entry since Ready.
        if (gt == t && i >= Offset)
        {
            _entries.RemoveRange(0, (int)(i + 1 - Offset));
            Offset = i + 1;
        }
    }

    public void StableSnapTo(ulong i)
    {
        if (Snapshot is not null && Snapshot.Metadata.Index == i) Snapshot = null;
    }

    public void Restore(Snapshot snapshot)
    {
        Offset = snapshot.Metadata.Index + 1;
        _entries.Clear();
        Snapshot = snapshot;
    }

    /// <summary>Appends ents[from..], first truncating whatever they overwrite.</summary>
    public void TruncateAndAppend(IReadOnlyList<Entry> ents, int from)
    {
        var after = ents[from].Index;
        if (after == Offset + (ulong)_entries.Count)
        {
            // Directly continues the unstable tail.
        }
        else if (after <= Offset)
        {
            // Replaces the whole unstable tail (and overrides stored entries from 'after' on).
            Offset = after;
            _entries.Clear();
        }
        else
        {
            // Keep [Offset, after), drop the rest.
            _entries.RemoveRange((int)(after - Offset), _entries.Count - (int)(after - Offset));
        }
        for (var k = from; k < ents.Count; k++) _entries.Add(ents[k]);
    }

    /// <summary>Copies [lo, hi) into dest.</summary>
    public void CopyTo(ulong lo, ulong hi, List<Entry> dest)
    {
        if (lo > hi) throw new InvalidOperationException($"invalid unstable.slice {lo} > {hi}");
        var upper = Offset + (ulong)_entries.Count;
        if (lo < Offset || hi > upper)
            throw new InvalidOperationException($"unstable.slice[{lo},{hi}) out of bound [{Offset},{upper}]");
        for (var i = (int)(lo - Offset); i < (int)(hi - Offset); i++) dest.Add(_entries[i]);
    }

    public List<Entry> EntriesCopy() => new(_entries);
}
