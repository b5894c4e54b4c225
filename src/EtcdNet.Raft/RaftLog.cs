using EtcdNet.Raft.Raftpb;

namespace EtcdNet.Raft;

/// <summary>
/// The log as Raft sees it: stable entries in storage followed by the unstable tail.
/// Invariant: applied &lt;= committed &lt;= lastIndex, and firstIndex-1 &lt;= applied.
/// </summary>
internal sealed class RaftLog
{
    private readonly IRaftStorage _storage;
    private readonly ulong _maxNextEntsSize;

    public UnstableLog Unstable { get; }

    /// <summary>Highest index known to be stored on a quorum.</summary>
    public ulong Committed { get; set; }

    /// <summary>Highest index the application has applied.</summary>
    public ulong Applied { get; private set; }

    public IRaftStorage Storage => _storage;

    public RaftLog(IRaftStorage storage, ulong maxNextEntsSize)
    {
        _storage = storage;
        _maxNextEntsSize = maxNextEntsSize;
        var first = storage.FirstIndex();
        var last = storage.LastIndex();
        Unstable = new UnstableLog(last + 1);
        // Everything before the first available index was in a snapshot: committed and applied.
        Committed = first - 1;
        Applied = first - 1;
    }

    public ulong FirstIndex() => Unstable.TryFirstIndex(out var i) ? i : _storage.FirstIndex();

    public ulong LastIndex() => Unstable.TryLastIndex(out var i) ? i : _storage.LastIndex();

    public ulong LastTerm()
    {
        if (!TryTerm(LastIndex(), out var t)) throw new InvalidOperationException("unexpected error when getting the last term");
        return t;
    }

    /// <summary>
    /// The term of entry i. Indexes outside [firstIndex-1, lastIndex] have term 0 (and return true);
    /// false means the entry was compacted or is not available.
    /// </summary>
    public bool TryTerm(ulong i, out ulong term)
    {
        term = 0;
        var dummy = FirstIndex() - 1;
        if (i < dummy || i > LastIndex()) return true;
        if (Unstable.TryTerm(i, out term)) return true;
        try
        {
            term = _storage.Term(i);
            return true;
        }
        catch (CompactedException) { return false; }
        catch (UnavailableException) { return false; }
    }

    /// <summary>The term of i, or 0 when it is not available (etcd's zeroTermOnErrCompacted).</summary>
    public ulong TermOrZero(ulong i) => TryTerm(i, out var t) ? t : 0;

    public bool MatchTerm(ulong i, ulong term) => TryTerm(i, out var t) && t == term;

    /// <summary>A candidate's log (lastIndex, term) is at least as up to date as ours (§5.4.1).</summary>
    public bool IsUpToDate(ulong lastIndex, ulong term)
    {
        var ourTerm = LastTerm();
        return term > ourTerm || (term == ourTerm && lastIndex >= LastIndex());
    }

    /// <summary>
    /// The follower side of MsgApp: if our log matches the leader's at (index, logTerm), append what is new,
    /// truncating a conflicting suffix, advance the commit index and return true with the last new index.
    /// </summary>
    public bool MaybeAppend(ulong index, ulong logTerm, ulong committed, IReadOnlyList<Entry> ents, out ulong lastNew)
    {
        lastNew = 0;
        if (!MatchTerm(index, logTerm)) return false;
        lastNew = index + (ulong)ents.Count;
        var conflict = FindConflict(ents);
        if (conflict != 0)
        {
            if (conflict <= Committed)
                throw new InvalidOperationException($"entry {conflict} conflict with committed entry [committed({Committed})]");
            Append(ents, (int)(conflict - (index + 1)));
        }
        CommitTo(Math.Min(committed, lastNew));
        return true;
    }

    /// <summary>Appends ents[from..] (which must not overwrite committed entries); returns the new last index.</summary>
    public ulong Append(IReadOnlyList<Entry> ents, int from = 0)
    {
        if (from >= ents.Count) return LastIndex();
        var after = ents[from].Index - 1;
        if (after < Committed)
            throw new InvalidOperationException($"after({after}) is out of range [committed({Committed})]");
        Unstable.TruncateAndAppend(ents, from);
        return LastIndex();
    }

    /// <summary>
    /// The index of the first entry whose term differs from ours, or of the first new entry; 0 when all
    /// entries are already present.
    /// </summary>
    public ulong FindConflict(IReadOnlyList<Entry> ents)
    {
        for (var k = 0; k < ents.Count; k++)
        {
            var e = ents[k];
            if (!MatchTerm(e.Index, e.Term)) return e.Index;
        }
        return 0;
    }

    public List<Entry>? UnstableEntries() => Unstable.Count == 0 ? null : Unstable.EntriesCopy();

    /// <summary>Committed entries not applied yet (bounded by MaxCommittedSizePerReady), or null.</summary>
    public List<Entry>? NextEnts()
    {
        var off = Math.Max(Applied + 1, FirstIndex());
        if (Committed + 1 <= off) return null;
        var ents = new List<Entry>();
        Slice(off, Committed + 1, _maxNextEntsSize, ents);
        return ents;
    }

    public bool HasNextEnts() => Committed + 1 > Math.Max(Applied + 1, FirstIndex());

    public bool HasPendingSnapshot() => Unstable.Snapshot is not null && Unstable.Snapshot.Metadata.Index != 0;

    public Snapshot Snapshot() => Unstable.Snapshot ?? _storage.Snapshot();

    public void CommitTo(ulong toCommit)
    {
        // Never decrease the commit index.
        if (Committed >= toCommit) return;
        if (LastIndex() < toCommit)
            throw new InvalidOperationException(
                $"tocommit({toCommit}) is out of range [lastIndex({LastIndex()})]. Was the raft log corrupted, truncated, or lost?");
        Committed = toCommit;
    }

    public void AppliedTo(ulong i)
    {
        if (i == 0) return;
        if (Committed < i || i < Applied)
            throw new InvalidOperationException($"applied({i}) is out of range [prevApplied({Applied}), committed({Committed})]");
        Applied = i;
    }

    public void StableTo(ulong i, ulong t) => Unstable.StableTo(i, t);

    public void StableSnapTo(ulong i) => Unstable.StableSnapTo(i);

    /// <summary>Commits up to maxIndex if that entry is from the given term (only current-term entries commit by counting, §5.4.2).</summary>
    public bool MaybeCommit(ulong maxIndex, ulong term)
    {
        if (maxIndex > Committed && TermOrZero(maxIndex) == term)
        {
            CommitTo(maxIndex);
            return true;
        }
        return false;
    }

    public void Restore(Snapshot snapshot)
    {
        Committed = snapshot.Metadata.Index;
        Unstable.Restore(snapshot);
    }

    /// <summary>Entries from i to the end into dest, at most maxSize bytes (at least one entry).</summary>
    public void Entries(ulong i, ulong maxSize, List<Entry> dest)
    {
        if (i > LastIndex()) return;
        Slice(i, LastIndex() + 1, maxSize, dest);
    }

    /// <summary>
    /// Copies [lo, hi) into dest, bounded by maxSize bytes but never empty when lo &lt; hi.
    /// Throws <see cref="CompactedException"/> when lo was compacted.
    /// </summary>
    public void Slice(ulong lo, ulong hi, ulong maxSize, List<Entry> dest)
    {
        if (lo > hi) throw new InvalidOperationException($"invalid slice {lo} > {hi}");
        var first = FirstIndex();
        if (lo < first) throw new CompactedException();
        var length = LastIndex() + 1 - first;
        if (hi > first + length)
            throw new InvalidOperationException($"slice[{lo},{hi}) out of bound [{first},{LastIndex()}]");
        if (lo == hi) return;

        var start = dest.Count;
        if (lo < Unstable.Offset)
        {
            var storedHi = Math.Min(hi, Unstable.Offset);
            IReadOnlyList<Entry> stored;
            try
            {
                stored = _storage.Entries(lo, storedHi, maxSize);
            }
            catch (UnavailableException)
            {
                throw new InvalidOperationException($"entries[{lo}:{storedHi}) is unavailable from storage");
            }
            for (var k = 0; k < stored.Count; k++) dest.Add(stored[k]);
            // Storage already stopped at the size limit: nothing from the unstable part fits.
            if ((ulong)stored.Count < storedHi - lo)
            {
                Trim(dest, start, maxSize);
                return;
            }
        }
        if (hi > Unstable.Offset) Unstable.CopyTo(Math.Max(lo, Unstable.Offset), hi, dest);
        Trim(dest, start, maxSize);
    }

    /// <summary>Drops entries from dest[start..] beyond the size limit, keeping at least one.</summary>
    private static void Trim(List<Entry> dest, int start, ulong maxSize)
    {
        if (maxSize == ulong.MaxValue) return;
        var count = LimitCount(dest, start, dest.Count - start, maxSize);
        if (start + count < dest.Count) dest.RemoveRange(start + count, dest.Count - start - count);
    }

    /// <summary>How many of ents[start..start+count) fit into maxSize bytes; at least one.</summary>
    internal static int LimitCount(IReadOnlyList<Entry> ents, int start, int count, ulong maxSize)
    {
        if (count == 0 || maxSize == ulong.MaxValue) return count;
        ulong size = (ulong)ents[start].CalculateSize();
        var n = 1;
        for (; n < count; n++)
        {
            size += (ulong)ents[start + n].CalculateSize();
            if (size > maxSize) break;
        }
        return n;
    }
}
