using EtcdNet.Raft.Raftpb;
using Google.Protobuf;

namespace EtcdNet.Raft.Tests.Simulation;

/// <summary>Ready handling as a server does it, and the safety checks run on every step.</summary>
internal sealed partial class ClusterSimulator
{
    private readonly record struct EntryFacts(ulong Term, EntryType Type, ByteString Data);

    // Every entry ever applied anywhere, by index: applying twice must agree (state machine safety).
    private readonly Dictionary<ulong, EntryFacts> _committed = [];

    // Every (index, term) ever persisted anywhere, with its content and the term before it (log matching).
    private readonly Dictionary<(ulong Index, ulong Term), (EntryFacts Facts, ulong PrevTerm)> _logged = [];

    private readonly Dictionary<ulong, ulong> _leaderOfTerm = [];
    private readonly Dictionary<ByteString, ulong> _readBounds = [];
    private int _reads;
    private readonly HashSet<ulong> _committedConfChanges = [];

    /// <summary>Handles a node's Ready in the documented order; returns false when there was none.</summary>
    private bool ProcessReady(SimNode n)
    {
        // A node may have been stopped (removed) earlier in the same round.
        var raft = n.Raft;
        if (raft is null || !raft.HasReady()) return false;
        var rd = raft.GetReady();

        foreach (var m in rd.Messages)
        {
            if (m.Type is MessageType.MsgVote or MessageType.MsgPreVote)
            {
                var self = raft.Raft.Prs.Get(n.Id);
                if (self is null || self.IsLearner) throw Fail($"{n.Id} campaigns but is not a voter in its configuration");
            }
        }

        // 1. Persist.
        if (rd.Snapshot is not null)
        {
            var meta = rd.Snapshot.Metadata;
            if (_committed.TryGetValue(meta.Index, out var f) && f.Term != meta.Term)
                throw Fail($"{n.Id} received snapshot {meta.Term}/{meta.Index} contradicting committed term {f.Term}");
            n.Storage.ApplySnapshot(rd.Snapshot);
            n.ConfState = meta.ConfState.Clone();
            n.Applied = meta.Index;
            Trace($"{n.Id} installed snapshot {meta.Term}/{meta.Index}");
            Count("snapshots installed");
        }
        n.Storage.Append(rd.Entries);
        foreach (var e in rd.Entries) RecordLogged(n, e);
        if (rd.HardState is not null) n.Storage.SetHardState(rd.HardState);

        // 2. Send.
        foreach (var m in rd.Messages)
        {
            var delay = _rng.Next(10) == 0 ? _rng.Next(30) : _rng.Next(3);
            _network.Add((m, _now + delay));
        }

        // 3. Apply.
        foreach (var e in rd.CommittedEntries) Apply(n, e);
        foreach (var rs in rd.ReadStates)
        {
            Count("reads answered");
            if (_readBounds.Remove(rs.RequestCtx, out var bound) && rs.Index < bound)
                throw Fail($"{n.Id} ReadIndex {rs.RequestCtx.ToStringUtf8()} answered {rs.Index} but {bound} was committed before the request");
        }

        // 4. Advance.
        raft.Advance(rd);
        return true;
    }

    private void RecordLogged(SimNode n, Entry e)
    {
        var facts = new EntryFacts(e.Term, e.Type, e.Data);
        ulong prev;
        try
        {
            prev = e.Index > 1 ? n.Storage.Term(e.Index - 1) : 0;
        }
        catch (CompactedException)
        {
            prev = ulong.MaxValue; // unknown
        }
        if (_logged.TryGetValue((e.Index, e.Term), out var known))
        {
            if (!known.Facts.Equals(facts))
                throw Fail($"log matching: {n.Id} persisted {e.Term}/{e.Index} with different content than another node");
            if (prev != ulong.MaxValue && known.PrevTerm != ulong.MaxValue && known.PrevTerm != prev)
                throw Fail($"log matching: {n.Id} has term {prev} before {e.Term}/{e.Index}, another node {known.PrevTerm}");
        }
        else
        {
            _logged[(e.Index, e.Term)] = (facts, prev);
        }
    }

    private void Apply(SimNode n, Entry e)
    {
        var facts = new EntryFacts(e.Term, e.Type, e.Data);
        if (_committed.TryGetValue(e.Index, out var known))
        {
            if (!known.Equals(facts))
                throw Fail($"state machine safety: {n.Id} applies {e.Term}/{e.Index} but {known.Term}/{e.Index} was applied elsewhere");
        }
        else
        {
            _committed[e.Index] = facts;
        }
        var replay = e.Index <= n.Applied;
        if (!replay && e.Index != n.Applied + 1) throw Fail($"{n.Id} applies {e.Index} after {n.Applied}: a gap");
        if (e.Type == EntryType.EntryConfChange)
        {
            var cc = Raftpb.ConfChange.Parser.ParseFrom(e.Data);
            var cs = n.Raft!.ApplyConfChange(cc);
            if (replay) Trace($"{n.Id} replayed {cc.Type} {cc.NodeId} at {e.Index}");
            if (!replay)
            {
                if (!_committedConfChanges.Contains(e.Index))
                {
                    _committedConfChanges.Add(e.Index);
                    Count($"conf changes: {cc.Type}");
                }
                n.ConfState = cs;
                OnConfChangeApplied(n, cc);
            }
        }
        if (!replay) n.Applied = e.Index;
    }

    private void OnConfChangeApplied(SimNode by, Raftpb.ConfChange cc)
    {
        var id = cc.NodeId;
        switch (cc.Type)
        {
            case ConfChangeType.ConfChangeAddNode:
            case ConfChangeType.ConfChangeAddLearnerNode:
                if (!_nodes.ContainsKey(id))
                {
                    // The operator starts the new member once its addition is committed; it begins empty.
                    var n = new SimNode { Id = id };
                    _nodes[id] = n;
                    Start(n);
                    Trace($"{by.Id} applied {cc.Type} {id}: started {id}");
                }
                break;
            case ConfChangeType.ConfChangeRemoveNode:
                if (_nodes.TryGetValue(id, out var removed) && !removed.Removed)
                {
                    // A removed member shuts itself down once it learns of the removal (etcd does the same).
                    removed.Removed = true;
                    removed.Raft = null;
                    Trace($"{by.Id} applied remove {id}: stopped {id}");
                }
                break;
        }
    }

    private void ChangeMembership()
    {
        var leader = Live.FirstOrDefault(x => x.Raft!.Raft.State == RaftState.Leader);
        if (leader is null) return;
        var prs = leader.Raft!.Raft.Prs;
        var voters = prs.Voters.Ids.ToList();
        var learners = prs.Learners.ToList();
        Raftpb.ConfChange? cc = null;
        switch (_rng.Next(4))
        {
            case 0 when voters.Count + learners.Count < 7:
                cc = new Raftpb.ConfChange { Type = ConfChangeType.ConfChangeAddLearnerNode, NodeId = _nextFreshId++ };
                break;
            case 1 when learners.Count > 0:
                cc = new Raftpb.ConfChange { Type = ConfChangeType.ConfChangeAddNode, NodeId = learners[_rng.Next(learners.Count)] };
                break;
            case 2:
                var members = voters.Count > 3 ? voters.Concat(learners).ToList() : learners;
                if (members.Count > 0)
                    cc = new Raftpb.ConfChange { Type = ConfChangeType.ConfChangeRemoveNode, NodeId = members[_rng.Next(members.Count)] };
                break;
            case 3 when voters.Count < 6:
                cc = new Raftpb.ConfChange { Type = ConfChangeType.ConfChangeAddNode, NodeId = _nextFreshId++ };
                break;
        }
        if (cc is null) return;
        try
        {
            leader.Raft.ProposeConfChange(cc);
            Trace($"propose-conf-change {leader.Id} {cc.Type} {cc.NodeId}");
        }
        catch (ProposalDroppedException)
        {
        }
    }

    private void RequestRead(SimNode n)
    {
        var ctx = ByteString.CopyFromUtf8($"r{_reads++}");
        // Everything committed anywhere before the read starts must be covered by its read index.
        ulong bound = 0;
        foreach (var x in Live) bound = Math.Max(bound, x.Raft!.Raft.RaftLog.Committed);
        foreach (var k in _committed.Keys) bound = Math.Max(bound, k);
        _readBounds[ctx] = bound;
        n.Raft!.ReadIndex(ctx);
    }

    /// <summary>Election safety, leader completeness and "only voters lead".</summary>
    private void CheckInvariants()
    {
        foreach (var n in Live)
        {
            var r = n.Raft!.Raft;
            if (r.State is RaftState.Leader or RaftState.Candidate or RaftState.PreCandidate)
            {
                var self = r.Prs.Get(n.Id);
                if (self is null || self.IsLearner) throw Fail($"{n.Id} is {r.State} but not a voter in its configuration");
            }
            if (r.State != RaftState.Leader) continue;
            if (_leaderOfTerm.TryGetValue(r.Term, out var other))
            {
                if (other != n.Id) throw Fail($"election safety: {other} and {n.Id} both lead term {r.Term}");
                continue;
            }
            _leaderOfTerm[r.Term] = n.Id;
            Count("leaders elected");
            Trace($"{n.Id} leads term {r.Term}");
            // Leader completeness: the new leader's log holds every entry applied anywhere so far.
            var first = r.RaftLog.FirstIndex();
            foreach (var (index, facts) in _committed)
            {
                if (index < first) continue;
                if (!r.RaftLog.TryTerm(index, out var t) || t != facts.Term)
                    throw Fail($"leader completeness: leader {n.Id} of term {r.Term} has term {t} at {index}, committed {facts.Term}");
            }
        }
    }

    private void CheckVoteResponse(SimNode to, Message m)
    {
        // A vote only counts from a voter: a learner's answer must never be what elects anyone.
        if (m.Type is not (MessageType.MsgVoteResp or MessageType.MsgPreVoteResp) || m.Reject) return;
        var pr = to.Raft!.Raft.Prs.Get(m.From);
        if (pr is not null && pr.IsLearner) Trace($"{to.Id} got a vote from learner {m.From} (ignored by tally)");
    }
}
