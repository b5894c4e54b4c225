namespace EtcdNet.Raft.Quorum;

/// <summary>A set of voters deciding by simple majority: the committed index and vote outcomes.</summary>
public sealed class MajorityConfig
{
    private readonly HashSet<ulong> _ids;
    private ulong[] _sorted;

    /// <summary>Creates a config over the given voter ids.</summary>
    public MajorityConfig(IEnumerable<ulong>? ids = null)
    {
        _ids = ids is null ? [] : [.. ids];
        _sorted = Sort(_ids);
    }

    /// <summary>Number of voters.</summary>
    public int Count => _ids.Count;

    /// <summary>The voters in ascending order (a cached array: do not modify).</summary>
    public IReadOnlyList<ulong> Ids => _sorted;

    /// <summary>Whether id votes.</summary>
    public bool Contains(ulong id) => _ids.Contains(id);

    /// <summary>A copy that can be changed without affecting this one.</summary>
    public MajorityConfig Clone() => new(_ids);

    internal void Add(ulong id)
    {
        if (_ids.Add(id)) _sorted = Sort(_ids);
    }

    internal void Remove(ulong id)
    {
        if (_ids.Remove(id)) _sorted = Sort(_ids);
    }

    /// <summary>
    /// The largest index acknowledged by a majority: sort the acked indexes and take the one a quorum
    /// has reached. An empty config returns ulong.MaxValue (it does not restrict anything).
    /// </summary>
    public ulong CommittedIndex(IAckedIndexer acked)
    {
        var n = _sorted.Length;
        if (n == 0) return ulong.MaxValue;
        // Small groups are the norm (3, 5, 7 voters): keep the scratch space on the stack.
        Span<ulong> srt = n <= 16 ? stackalloc ulong[n] : new ulong[n];
        for (var i = 0; i < n; i++)
        {
            // A voter we have no progress for counts as having acked nothing.
            srt[i] = acked.TryGetAckedIndex(_sorted[i], out var idx) ? idx : 0;
        }
        srt.Sort();
        // In ascending order, the entry at n - quorum is matched by at least a quorum of voters.
        return srt[n - (n / 2 + 1)];
    }

    /// <summary>
    /// The result of a vote given the votes cast so far (true = granted). An empty config wins,
    /// so that joint-config arithmetic (and a cluster being bootstrapped) stays simple.
    /// </summary>
    public VoteResult VoteResult(IReadOnlyDictionary<ulong, bool> votes)
    {
        if (_sorted.Length == 0) return Quorum.VoteResult.VoteWon;
        int yes = 0, missing = 0;
        foreach (var id in _sorted)
        {
            if (!votes.TryGetValue(id, out var v)) missing++;
            else if (v) yes++;
        }
        var q = _sorted.Length / 2 + 1;
        if (yes >= q) return Quorum.VoteResult.VoteWon;
        if (yes + missing >= q) return Quorum.VoteResult.VotePending;
        return Quorum.VoteResult.VoteLost;
    }

    /// <inheritdoc />
    public override string ToString() => "(" + string.Join(" ", _sorted) + ")";

    private static ulong[] Sort(HashSet<ulong> ids)
    {
        var a = ids.ToArray();
        Array.Sort(a);
        return a;
    }
}
