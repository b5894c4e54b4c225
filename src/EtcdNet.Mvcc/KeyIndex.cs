namespace EtcdNet.Mvcc;

/// <summary>
/// The history of one key as a list of generations (etcd's keyIndex). A generation is one life of the key:
/// puts append revisions to the last generation, a delete appends its tombstone revision and opens a new,
/// empty generation. The key's version counts the puts of the current life and so restarts after a delete.
/// <para>Worked example. Key "k" is put at revisions 2, 4 and 5, deleted at 6, put again at 9 and 10:</para>
/// <code>
///   generation 0: created 2, version 3, revisions 2 4 5 6(tombstone)
///   generation 1: created 9, version 2, revisions 9 10
///   generation 2: (empty, would only exist after another delete)
/// </code>
/// <para>Reading "k" at revision 7 finds generation 0 ended by its tombstone at 6 (6 ≤ 7), so the key did not
/// exist at 7. Reading at 5 finds generation 0 and its last revision ≤ 5, which is 5, version 3 (3 minus the
/// number of later revisions). Reading at 1 finds nothing: the first revision is 2.</para>
/// <para>Compacting at revision r keeps, per key, the newest revision ≤ r (so a read at r still works) and
/// everything after r; generations that ended at or before r are dropped whole, tombstone included:</para>
/// <code>
///   compact(4): generation 0 keeps 4 5 6     (2 is superseded by 4)
///   compact(6): generation 0 is gone         (its tombstone 6 ≤ 6: nothing left to read there)
///   compact(9): generation 1 keeps 9 10
///   compact(10): generation 1 keeps 10       (the only revision readable at or after 10)
/// </code>
/// <para>A generation whose only remaining revision is its tombstone is dropped too, because a read at the
/// compaction revision would find "deleted" anyway. When nothing remains (a tombstoned key compacted past
/// its tombstone) the key leaves the index.</para>
/// </summary>
public sealed class KeyIndex
{
    private readonly List<Generation> _generations = [];

    /// <summary>Creates an empty index for <paramref name="key"/> (the memory is kept, not copied).</summary>
    public KeyIndex(ReadOnlyMemory<byte> key) => Key = key;

    /// <summary>The key.</summary>
    public ReadOnlyMemory<byte> Key { get; }

    /// <summary>Revision of the last change (put or tombstone).</summary>
    public Revision Modified { get; private set; }

    /// <summary>Lease of the key's current value; 0 when it has none or is deleted. Saves a backend read on overwrite.</summary>
    public long Lease { get; internal set; }

    /// <summary>The generations, oldest first (the last one is the current life, possibly empty).</summary>
    public IReadOnlyList<Generation> Generations => _generations;

    /// <summary>True when the key has no history left (or never had any).</summary>
    public bool IsEmpty => _generations.Count == 0 || (_generations.Count == 1 && _generations[0].IsEmpty);

    /// <summary>Records a put at <paramref name="rev"/>, which must be later than every recorded revision.</summary>
    public void Put(Revision rev)
    {
        if (!rev.GreaterThan(Modified))
        {
            throw new InvalidOperationException($"put with revision {rev} not after the last modification {Modified}");
        }
        if (_generations.Count == 0)
        {
            _generations.Add(new Generation());
        }
        Generation g = _generations[^1];
        if (g.IsEmpty)
        {
            g.Created = rev;
        }
        g.Revisions.Add(rev);
        g.Version++;
        Modified = rev;
    }

    /// <summary>
    /// Seeds an empty index from the oldest surviving record of a key whose earlier history was compacted away:
    /// its creation revision and version come from the stored value.
    /// </summary>
    public void Restore(Revision created, Revision modified, long version)
    {
        if (_generations.Count != 0)
        {
            throw new InvalidOperationException("restore on a non-empty key index");
        }
        var g = new Generation { Created = created, Version = version };
        g.Revisions.Add(modified);
        _generations.Add(g);
        Modified = modified;
    }

    /// <summary>
    /// Records a delete at <paramref name="rev"/>: the tombstone ends the current generation and a new empty one
    /// opens. Returns false (nothing recorded) when the key is not live.
    /// </summary>
    public bool Tombstone(Revision rev)
    {
        if (IsEmpty || _generations[^1].IsEmpty)
        {
            return false;
        }
        Put(rev);
        _generations.Add(new Generation());
        Lease = 0;
        return true;
    }

    /// <summary>
    /// The key as of <paramref name="atRev"/>: the revision of its value then, its creation revision and version.
    /// False when the key did not exist at that revision (never put yet, deleted, or compacted away).
    /// </summary>
    public bool TryGet(long atRev, out Revision modified, out Revision created, out long version)
    {
        Generation? g = FindGeneration(atRev);
        if (g is not null)
        {
            List<Revision> revs = g.Revisions;
            for (int i = revs.Count - 1; i >= 0; i--)
            {
                if (revs[i].Main <= atRev)
                {
                    modified = revs[i];
                    created = g.Created;
                    version = g.Version - (revs.Count - i - 1);
                    return true;
                }
            }
        }
        modified = default;
        created = default;
        version = 0;
        return false;
    }

    /// <summary>
    /// Revisions at or after main revision <paramref name="rev"/>, ascending, keeping only the last change per
    /// main revision (what a watcher starting at <paramref name="rev"/> must replay).
    /// </summary>
    public List<Revision> Since(long rev)
    {
        var since = new Revision(rev, 0);
        int gi;
        // Skip generations created before `since` except the one containing it.
        for (gi = _generations.Count - 1; gi > 0; gi--)
        {
            Generation g = _generations[gi];
            if (g.IsEmpty)
            {
                continue;
            }
            if (since.GreaterThan(g.Created))
            {
                break;
            }
        }
        var result = new List<Revision>();
        long last = 0;
        for (; gi < _generations.Count; gi++)
        {
            foreach (Revision r in _generations[gi].Revisions)
            {
                if (since.GreaterThan(r))
                {
                    continue;
                }
                if (r.Main == last)
                {
                    result[^1] = r;
                    continue;
                }
                result.Add(r);
                last = r.Main;
            }
        }
        return result;
    }

    /// <summary>
    /// Drops history not needed to read at or after <paramref name="atRev"/> (see the class comment) and adds
    /// the revisions ≤ <paramref name="atRev"/> that must stay in the backend to <paramref name="available"/>.
    /// </summary>
    public void Compact(long atRev, HashSet<Revision> available)
    {
        if (IsEmpty)
        {
            return;
        }
        (int genIdx, int revIndex) = FindCompactionPoint(atRev, available);
        Generation g = _generations[genIdx];
        if (!g.IsEmpty)
        {
            if (revIndex > 0)
            {
                g.Revisions.RemoveRange(0, revIndex);
            }
            // Only the tombstone left: a read at atRev would see "deleted", so the whole generation can go.
            if (g.Revisions.Count == 1 && genIdx != _generations.Count - 1)
            {
                available.Remove(g.Revisions[0]);
                genIdx++;
            }
        }
        if (genIdx > 0)
        {
            _generations.RemoveRange(0, genIdx);
        }
    }

    /// <summary>
    /// Like <see cref="Compact"/> but changes nothing: adds to <paramref name="available"/> what compaction at
    /// <paramref name="atRev"/> would keep (used for hashing history as of a revision).
    /// </summary>
    public void Keep(long atRev, HashSet<Revision> available)
    {
        if (IsEmpty)
        {
            return;
        }
        (int genIdx, int revIndex) = FindCompactionPoint(atRev, available);
        Generation g = _generations[genIdx];
        if (!g.IsEmpty && revIndex == g.Revisions.Count - 1 && genIdx != _generations.Count - 1)
        {
            available.Remove(g.Revisions[revIndex]);
        }
    }

    /// <inheritdoc />
    public override string ToString() => string.Concat(_generations.Select(g => g.ToString() + "\n"));

    /// <summary>
    /// The first generation not ended at or before <paramref name="atRev"/>, and in it the index of the newest
    /// revision ≤ <paramref name="atRev"/> (-1 when none); that revision is added to <paramref name="available"/>.
    /// </summary>
    private (int GenIdx, int RevIndex) FindCompactionPoint(long atRev, HashSet<Revision> available)
    {
        int genIdx = 0;
        while (genIdx < _generations.Count - 1)
        {
            List<Revision> revs = _generations[genIdx].Revisions;
            if (revs[^1].Main > atRev)
            {
                break;
            }
            genIdx++;
        }
        List<Revision> current = _generations[genIdx].Revisions;
        for (int i = current.Count - 1; i >= 0; i--)
        {
            if (current[i].Main <= atRev)
            {
                available.Add(current[i]);
                return (genIdx, i);
            }
        }
        return (genIdx, -1);
    }

    /// <summary>The generation holding the key's state at <paramref name="rev"/>, or null when it was not live then.</summary>
    private Generation? FindGeneration(long rev)
    {
        int last = _generations.Count - 1;
        for (int cg = last; cg >= 0; cg--)
        {
            Generation g = _generations[cg];
            if (g.IsEmpty)
            {
                continue;
            }
            // A finished generation whose tombstone is at or before rev: the key was deleted at rev.
            if (cg != last && g.Revisions[^1].Main <= rev)
            {
                return null;
            }
            if (g.Revisions[0].Main <= rev)
            {
                return g;
            }
        }
        return null;
    }
}
