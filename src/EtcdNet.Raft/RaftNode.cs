using EtcdNet.Raft.ConfChange;
using EtcdNet.Raft.Raftpb;
using Google.Protobuf;

namespace EtcdNet.Raft;

/// <summary>
/// One Raft member as a pure state machine (etcd-io/raft's RawNode). The caller drives it from one thread:
/// <see cref="Tick"/> on its clock, <see cref="Step"/> with messages from peers, propose, and loop on
/// <see cref="HasReady"/> / <see cref="GetReady"/> / <see cref="Advance"/> doing the IO that <see cref="Ready"/>
/// describes. No IO, clock, threads or locks live here.
/// </summary>
public sealed class RaftNode
{
    private readonly Raft _raft;
    private SoftState _prevSoftState;
    private HardState _prevHardState;

    /// <summary>Starts (or restarts) a node from the state in config.Storage.</summary>
    public RaftNode(RaftConfig config)
    {
        _raft = new Raft(config);
        _proposal.From = config.Id;
        _prevSoftState = _raft.SoftState;
        _prevHardState = _raft.HardState;
    }

    internal Raft Raft => _raft;

    /// <summary>This node's id.</summary>
    public ulong Id => _raft.Id;

    /// <summary>
    /// Seeds an empty storage with one AddNode conf change per peer (committed at term 1), so that a new
    /// cluster starts with a known membership. The application applies those entries like any other.
    /// </summary>
    public void Bootstrap(IReadOnlyList<(ulong Id, ByteString? Context)> peers)
    {
        if (peers.Count == 0) throw new ArgumentException("must provide at least one peer to Bootstrap");
        if (_raft.RaftLog.Storage.LastIndex() != 0) throw new InvalidOperationException("can't bootstrap a nonempty Storage");
        // The bootstrap entries are not in the hard state yet: make the next Ready report it.
        _prevHardState = new HardState();
        _raft.BecomeFollower(1, Raft.None);
        var ents = new List<Entry>(peers.Count);
        for (var i = 0; i < peers.Count; i++)
        {
            var cc = new Raftpb.ConfChange { Type = ConfChangeType.ConfChangeAddNode, NodeId = peers[i].Id, Context = peers[i].Context ?? ByteString.Empty };
            ents.Add(new Entry { Type = EntryType.EntryConfChange, Term = 1, Index = (ulong)i + 1, Data = cc.ToByteString() });
        }
        _raft.RaftLog.Append(ents);
        _raft.RaftLog.Committed = (ulong)ents.Count;
        foreach (var (id, _) in peers)
        {
            _raft.ApplyConfChange([new ConfChangeSingle { Type = ConfChangeType.ConfChangeAddNode, NodeId = id }]);
        }
    }

    /// <summary>Advances logical time by one tick (elections, heartbeats, check-quorum).</summary>
    public void Tick() => _raft.Tick();

    /// <summary>Starts an election now (pre-vote first if configured).</summary>
    public void Campaign() => _raft.Step(new Message { Type = MessageType.MsgHup });

    /// <summary>Proposes data to be appended to the log. Throws <see cref="ProposalDroppedException"/>.</summary>
    public void Propose(ByteString data)
    {
        if (_raft.State == RaftState.Leader)
        {
            // The leader keeps the entry, never the message: reuse one envelope (the hot path of a busy leader).
            var p = _proposal;
            p.Entries.Clear();
            p.Entries.Add(new Entry { Data = data });
            _raft.Step(p);
            return;
        }
        var m = new Message { Type = MessageType.MsgProp, From = _raft.Id };
        m.Entries.Add(new Entry { Data = data });
        _raft.Step(m);
    }

    private readonly Message _proposal = new() { Type = MessageType.MsgProp };

    /// <summary>Proposes data to be appended to the log. Throws <see cref="ProposalDroppedException"/>.</summary>
    public void Propose(ReadOnlySpan<byte> data) => Propose(ByteString.CopyFrom(data));

    /// <summary>Proposes a membership change; once committed, apply it with <see cref="ApplyConfChange(Raftpb.ConfChange)"/>.</summary>
    public void ProposeConfChange(Raftpb.ConfChange cc) => ProposeEntry(EntryType.EntryConfChange, cc.ToByteString());

    /// <summary>Proposes a membership change in the V2 form (one change at a time).</summary>
    public void ProposeConfChange(ConfChangeV2 cc) => ProposeEntry(EntryType.EntryConfChangeV2, cc.ToByteString());

    private void ProposeEntry(EntryType type, ByteString data)
    {
        var m = new Message { Type = MessageType.MsgProp, From = _raft.Id };
        m.Entries.Add(new Entry { Type = type, Data = data });
        _raft.Step(m);
    }

    /// <summary>Applies a committed membership change; returns the new membership (to store with the snapshot).</summary>
    public ConfState ApplyConfChange(Raftpb.ConfChange cc) => _raft.ApplyConfChange(ConfChanger.Changes(cc));

    /// <summary>Applies a committed V2 membership change (no joint consensus: at most one voter may change).</summary>
    public ConfState ApplyConfChange(ConfChangeV2 cc) => _raft.ApplyConfChange(cc.Changes);

    /// <summary>
    /// Feeds a message received from a peer. Local message types are refused; responses from members
    /// no longer in the configuration are ignored.
    /// </summary>
    public void Step(Message m)
    {
        if (IsLocalMessage(m.Type)) throw new ArgumentException($"raft: cannot step raft local message {m.Type}");
        if (_raft.Prs.Get(m.From) is null && IsResponseMessage(m.Type)) return;
        _raft.Step(m);
    }

    /// <summary>Asks the leader to hand leadership to transferee.</summary>
    public void TransferLeader(ulong transferee) =>
        _raft.Step(new Message { Type = MessageType.MsgTransferLeader, From = transferee });

    /// <summary>
    /// Requests a linearizable read point; the answer arrives as a <see cref="ReadState"/> carrying ctx in a later Ready
    /// (or never, if leadership is lost: retry after a timeout).
    /// </summary>
    public void ReadIndex(ByteString ctx)
    {
        var m = new Message { Type = MessageType.MsgReadIndex };
        m.Entries.Add(new Entry { Data = ctx });
        _raft.Step(m);
    }

    /// <summary>Tells the leader that the last message to id could not be delivered.</summary>
    public void ReportUnreachable(ulong id) =>
        _raft.Step(new Message { Type = MessageType.MsgUnreachable, From = id });

    /// <summary>Tells the leader how sending a snapshot to id ended.</summary>
    public void ReportSnapshot(ulong id, bool failed) =>
        _raft.Step(new Message { Type = MessageType.MsgSnapStatus, From = id, Reject = failed });

    /// <summary>Whether <see cref="GetReady"/> would return anything.</summary>
    public bool HasReady()
    {
        var r = _raft;
        r.FlushProposals();
        if (r.SoftState != _prevSoftState) return true;
        // Compared field by field: HasReady runs on every loop iteration and should not allocate.
        var commit = r.RaftLog.Committed;
        var empty = r.Term == 0 && r.Vote == 0 && commit == 0;
        if (!empty && (r.Term != _prevHardState.Term || r.Vote != _prevHardState.Vote || commit != _prevHardState.Commit)) return true;
        if (r.RaftLog.HasPendingSnapshot()) return true;
        if (r.Msgs.Count > 0 || r.RaftLog.Unstable.Count > 0 || r.RaftLog.HasNextEnts()) return true;
        return r.ReadStates.Count > 0;
    }

    /// <summary>Collects the pending work; handle it as <see cref="Ready"/> documents, then call <see cref="Advance"/>.</summary>
    public Ready GetReady()
    {
        var r = _raft;
        r.FlushProposals();
        var soft = r.SoftState;
        var hard = r.HardState;
        var entries = (IReadOnlyList<Entry>?)r.RaftLog.UnstableEntries() ?? [];
        var rd = new Ready
        {
            Entries = entries,
            CommittedEntries = (IReadOnlyList<Entry>?)r.RaftLog.NextEnts() ?? [],
            Messages = r.Msgs,
            SoftState = soft != _prevSoftState ? soft : null,
            HardState = hard.Equals(_prevHardState) ? null : hard,
            Snapshot = r.RaftLog.Unstable.Snapshot,
            ReadStates = r.ReadStates.Count > 0 ? r.ReadStates : [],
            MustSync = entries.Count != 0 || hard.Term != _prevHardState.Term || hard.Vote != _prevHardState.Vote,
        };
        // Accept: what is in this Ready is no longer pending.
        _prevSoftState = soft;
        if (r.ReadStates.Count > 0) r.ReadStates = [];
        r.Msgs = [];
        return rd;
    }

    /// <summary>
    /// Reports that rd was handled: its entries and snapshot are in storage and its committed entries applied.
    /// </summary>
    public void Advance(Ready rd)
    {
        if (rd.HardState is not null) _prevHardState = rd.HardState;
        _raft.Advance(rd);
    }

    /// <summary>The current state, with per-peer progress when this node leads.</summary>
    public RaftStatus Status
    {
        get
        {
            var r = _raft;
            var progress = new Dictionary<ulong, ProgressStatus>();
            if (r.State == RaftState.Leader)
            {
                foreach (var id in r.Prs.Ids)
                {
                    var pr = r.Prs.Get(id)!;
                    progress[id] = new ProgressStatus(pr.Match, pr.Next, pr.State, pr.IsLearner, pr.RecentActive, pr.PendingSnapshot, pr.IsPaused);
                }
            }
            return new RaftStatus
            {
                Id = r.Id, Term = r.Term, Vote = r.Vote, Commit = r.RaftLog.Committed, Applied = r.RaftLog.Applied,
                Lead = r.Lead, RaftState = r.State, LeadTransferee = r.LeadTransferee, Config = r.Prs.ConfState(),
                Progress = progress,
            };
        }
    }

    internal static bool IsLocalMessage(MessageType t) =>
        t is MessageType.MsgHup or MessageType.MsgBeat or MessageType.MsgUnreachable or MessageType.MsgSnapStatus
            or MessageType.MsgCheckQuorum;

    internal static bool IsResponseMessage(MessageType t) =>
        t is MessageType.MsgAppResp or MessageType.MsgVoteResp or MessageType.MsgHeartbeatResp or MessageType.MsgUnreachable
            or MessageType.MsgPreVoteResp;
}
