using EtcdNet.Raft.Quorum;
using EtcdNet.Raft.Raftpb;

namespace EtcdNet.Raft.Tracker;

/// <summary>
/// The leader's bookkeeping for the whole group: the configuration (voters and learners), a
/// <see cref="Progress"/> per member, and the votes of the current election.
/// </summary>
public sealed class ProgressTracker : IAckedIndexer
{
    private readonly Dictionary<ulong, Progress> _progress = [];
    private readonly Dictionary<ulong, bool> _votes = [];
    private readonly SortedSet<ulong> _learners = [];
    private ulong[] _ids = [];

    /// <summary>Creates an empty tracker whose followers get an inflight window of maxInflight.</summary>
    public ProgressTracker(int maxInflight) => MaxInflight = maxInflight;

    /// <summary>The voters; a majority of them decides.</summary>
    public MajorityConfig Voters { get; private set; } = new();

    /// <summary>The learners, ascending.</summary>
    public IReadOnlyCollection<ulong> Learners => _learners;

    /// <summary>Inflight window given to each new Progress.</summary>
    public int MaxInflight { get; }

    /// <summary>Every member's id (voters and learners), ascending: a cached array, iterate without allocating.</summary>
    public IReadOnlyList<ulong> Ids => _ids;

    /// <summary>The progress of a member, or null when it is not in the configuration.</summary>
    public Progress? Get(ulong id) => _progress.TryGetValue(id, out var pr) ? pr : null;

    /// <summary>Votes cast in the current election.</summary>
    public IReadOnlyDictionary<ulong, bool> Votes => _votes;

    /// <summary>The configuration as persisted in snapshots.</summary>
    public ConfState ConfState()
    {
        var cs = new ConfState();
        cs.Voters.AddRange(Voters.Ids);
        cs.Learners.AddRange(_learners);
        return cs;
    }

    /// <summary>A single voter: it alone is a quorum.</summary>
    public bool IsSingleton => Voters.Count == 1;

    /// <summary>The largest index a quorum of voters has acknowledged.</summary>
    public ulong Committed() => Voters.CommittedIndex(this);

    /// <inheritdoc />
    public bool TryGetAckedIndex(ulong voterId, out ulong index)
    {
        if (_progress.TryGetValue(voterId, out var pr))
        {
            index = pr.Match;
            return true;
        }
        index = 0;
        return false;
    }

    /// <summary>Whether a quorum of voters was recently active (check-quorum).</summary>
    public bool QuorumActive()
    {
        var votes = new Dictionary<ulong, bool>();
        foreach (var id in _ids)
        {
            var pr = _progress[id];
            if (pr.IsLearner) continue;
            votes[id] = pr.RecentActive;
        }
        return Voters.VoteResult(votes) == VoteResult.VoteWon;
    }

    /// <summary>Forgets the votes of the previous election.</summary>
    public void ResetVotes() => _votes.Clear();

    /// <summary>Records id's vote unless it already voted.</summary>
    public void RecordVote(ulong id, bool granted) => _votes.TryAdd(id, granted);

    /// <summary>Counts votes from voters only (learners' answers never count) and the outcome.</summary>
    public VoteResult TallyVotes(out int granted, out int rejected)
    {
        granted = 0;
        rejected = 0;
        foreach (var id in Voters.Ids)
        {
            if (!_votes.TryGetValue(id, out var v)) continue;
            if (v) granted++;
            else rejected++;
        }
        return Voters.VoteResult(_votes);
    }

    /// <summary>Installs a new configuration; progress of kept members survives, new members start probing at next.</summary>
    internal void SetConfig(IEnumerable<ulong> voters, IEnumerable<ulong> learners, ulong next)
    {
        var v = new MajorityConfig(voters);
        var l = new SortedSet<ulong>(learners);
        foreach (var id in _progress.Keys.ToArray())
        {
            if (!v.Contains(id) && !l.Contains(id)) _progress.Remove(id);
        }
        foreach (var id in v.Ids) Ensure(id, next).IsLearner = false;
        foreach (var id in l) Ensure(id, next).IsLearner = true;
        Voters = v;
        _learners.Clear();
        _learners.UnionWith(l);
        _ids = [.. _progress.Keys.Order()];
    }

    private Progress Ensure(ulong id, ulong next)
    {
        if (!_progress.TryGetValue(id, out var pr))
        {
            // A new member is assumed active so that check-quorum does not depose the leader before it is heard from.
            pr = new Progress(MaxInflight) { Next = next, RecentActive = true };
            _progress[id] = pr;
        }
        return pr;
    }

    /// <summary>Voters ascending.</summary>
    public IReadOnlyList<ulong> VoterNodes() => Voters.Ids;

    /// <summary>Learners ascending.</summary>
    public IReadOnlyList<ulong> LearnerNodes() => [.. _learners];

    /// <inheritdoc />
    public override string ToString() =>
        $"voters={Voters}" + (_learners.Count > 0 ? $" learners=({string.Join(" ", _learners)})" : "");
}
