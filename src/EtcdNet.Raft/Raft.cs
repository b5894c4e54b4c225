using EtcdNet.Raft.ConfChange;
using EtcdNet.Raft.Raftpb;
using EtcdNet.Raft.Tracker;
using Google.Protobuf;

namespace EtcdNet.Raft;

/// <summary>
/// The Raft state machine of one node: term, vote, log, role and the leader's progress tracking.
/// Roles are swapped as a pair of delegates (tick and step), as in etcd-io/raft; everything that
/// does not depend on the role (terms, votes) is handled once in <see cref="Step"/>.
/// Not thread-safe; <see cref="RaftNode"/> is its public face.
/// </summary>
internal sealed partial class Raft
{
    internal const ulong None = 0;

    // Context of a MsgVote sent on a leader transfer: lets it through a follower's leader lease.
    internal static readonly ByteString CampaignTransferContext = ByteString.CopyFromUtf8("CampaignTransfer");

    private readonly ulong _maxMsgSize;
    private readonly bool _checkQuorum;
    private readonly bool _preVote;
    private readonly bool _disableProposalForwarding;
    private readonly Random _random;
    private readonly IRaftLogger _logger;

    private Action _tick;
    private Action<Message> _step;

    public ulong Id { get; }
    public ulong Term { get; private set; }
    public ulong Vote { get; private set; }
    public RaftLog RaftLog { get; }
    public ProgressTracker Prs { get; private set; }
    public RaftState State { get; private set; }
    public bool IsLearner { get; private set; }
    public ulong Lead { get; private set; }

    /// <summary>The node leadership is being handed to, or None.</summary>
    public ulong LeadTransferee { get; private set; }

    /// <summary>
    /// Index of the last conf change appended by this leader. A new one is refused until the
    /// application has applied past it: one membership change at a time.
    /// </summary>
    internal ulong PendingConfIndex;

    /// <summary>Messages to send, collected until the next Ready.</summary>
    internal List<Message> Msgs = [];

    /// <summary>Answers to ReadIndex requests, collected until the next Ready.</summary>
    internal List<ReadState> ReadStates = [];

    internal ReadOnlyState ReadOnly;

    /// <summary>ReadIndex requests received before this leader committed an entry of its term.</summary>
    internal List<Message> PendingReadIndexMessages = [];

    internal int ElectionElapsed;
    internal int HeartbeatElapsed;
    internal readonly int HeartbeatTimeout;
    internal readonly int ElectionTimeout;
    internal int RandomizedElectionTimeout;

    public Raft(RaftConfig config)
    {
        config.Validate();
        Id = config.Id;
        _logger = config.Logger ?? NopRaftLogger.Instance;
        _random = config.Random ?? new Random();
        _maxMsgSize = config.MaxSizePerMsg;
        _checkQuorum = config.CheckQuorum;
        _preVote = config.PreVote;
        _disableProposalForwarding = config.DisableProposalForwarding;
        HeartbeatTimeout = config.HeartbeatTick;
        ElectionTimeout = config.ElectionTick;
        ReadOnly = new ReadOnlyState(config.ReadOnlyOption);
        RaftLog = new RaftLog(config.Storage, config.MaxCommittedSizePerReady);
        Prs = new ProgressTracker(config.MaxInflightMsgs);
        _tick = TickElection;
        _step = StepFollower;

        var (hs, cs) = config.Storage.InitialState();
        ConfChanger.Restore(Prs, cs, RaftLog.LastIndex());
        SwitchToConfig();
        if (!IsEmptyHardState(hs)) LoadState(hs);
        if (config.Applied > 0) RaftLog.AppliedTo(config.Applied);
        BecomeFollower(Term, None);

        if (InfoOn)
        {
            Info($"newRaft {Id} [{Prs}] [term: {Term}, commit: {RaftLog.Committed}, applied: {RaftLog.Applied}, " +
                 $"lastindex: {RaftLog.LastIndex()}, lastterm: {RaftLog.LastTerm()}]");
        }
    }

    internal static bool IsEmptyHardState(HardState hs) => hs.Term == 0 && hs.Vote == 0 && hs.Commit == 0;

    public SoftState SoftState => new(Lead, State);

    public HardState HardState => new() { Term = Term, Vote = Vote, Commit = RaftLog.Committed };

    private void LoadState(HardState hs)
    {
        if (hs.Commit < RaftLog.Committed || hs.Commit > RaftLog.LastIndex())
        {
            throw new InvalidOperationException(
                $"{Id} state.commit {hs.Commit} is out of range [{RaftLog.Committed}, {RaftLog.LastIndex()}]");
        }
        RaftLog.Committed = hs.Commit;
        Term = hs.Term;
        Vote = hs.Vote;
    }

    // ---- logging -------------------------------------------------------------------------

    internal bool InfoOn => _logger.IsEnabled(RaftLogLevel.Info);
    internal bool DebugOn => _logger.IsEnabled(RaftLogLevel.Debug);
    internal void Info(string s) => _logger.Log(RaftLogLevel.Info, s);
    internal void Debug(string s) => _logger.Log(RaftLogLevel.Debug, s);
    internal void Warn(string s)
    {
        if (_logger.IsEnabled(RaftLogLevel.Warning)) _logger.Log(RaftLogLevel.Warning, s);
    }

    // ---- sending --------------------------------------------------------------------------

    /// <summary>Queues m for the next Ready, stamping sender and (for everything but votes, proposals and reads) the term.</summary>
    internal void Send(Message m)
    {
        if (m.From == None) m.From = Id;
        if (m.Type is MessageType.MsgVote or MessageType.MsgVoteResp or MessageType.MsgPreVote or MessageType.MsgPreVoteResp)
        {
            // Votes carry the term they are for: a pre-vote's is our future term, a response the candidate's.
            if (m.Term == 0) throw new InvalidOperationException($"term should be set when sending {m.Type}");
        }
        else
        {
            if (m.Term != 0) throw new InvalidOperationException($"term should not be set when sending {m.Type} (was {m.Term})");
            // Proposals and read requests forwarded to the leader are treated as local messages there.
            if (m.Type is not MessageType.MsgProp and not MessageType.MsgReadIndex) m.Term = Term;
        }
        Msgs.Add(m);
    }

    // ---- role transitions -------------------------------------------------------------------

    private void Reset(ulong term)
    {
        if (Term != term)
        {
            Term = term;
            Vote = None;
        }
        Lead = None;
        ElectionElapsed = 0;
        HeartbeatElapsed = 0;
        ResetRandomizedElectionTimeout();
        AbortLeaderTransfer();
        Prs.ResetVotes();
        var last = RaftLog.LastIndex();
        foreach (var id in Prs.Ids)
        {
            var pr = Prs.Get(id)!;
            pr.Match = id == Id ? last : 0;
            pr.BecomeProbe();
            pr.Next = last + 1;
            pr.RecentActive = false;
        }
        PendingConfIndex = 0;
        ReadOnly = new ReadOnlyState(ReadOnly.Option);
        // Reads waiting for a term that is over are dropped; their clients retry.
        PendingReadIndexMessages.Clear();
    }

    internal void BecomeFollower(ulong term, ulong lead)
    {
        _step = StepFollower;
        Reset(term);
        _tick = TickElection;
        Lead = lead;
        State = RaftState.Follower;
        if (InfoOn) Info($"{Id} became follower at term {Term}");
    }

    internal void BecomeCandidate()
    {
        if (State == RaftState.Leader) throw new InvalidOperationException("invalid transition [leader -> candidate]");
        _step = StepCandidate;
        Reset(Term + 1);
        _tick = TickElection;
        Vote = Id;
        State = RaftState.Candidate;
        if (InfoOn) Info($"{Id} became candidate at term {Term}");
    }

    internal void BecomePreCandidate()
    {
        if (State == RaftState.Leader) throw new InvalidOperationException("invalid transition [leader -> pre-candidate]");
        // A pre-candidate changes neither its term nor its vote: it only asks.
        _step = StepCandidate;
        Prs.ResetVotes();
        _tick = TickElection;
        Lead = None;
        State = RaftState.PreCandidate;
        if (InfoOn) Info($"{Id} became pre-candidate at term {Term}");
    }

    internal void BecomeLeader()
    {
        if (State == RaftState.Follower) throw new InvalidOperationException("invalid transition [follower -> leader]");
        _step = StepLeader;
        Reset(Term);
        _tick = TickHeartbeat;
        Lead = Id;
        State = RaftState.Leader;
        var self = Prs.Get(Id)!;
        // The leader's own log is always up to date; it also counts as active for check-quorum.
        self.BecomeReplicate();
        self.RecentActive = true;
        // Conservatively assume the uncommitted tail may hold a conf change: no new one until it is applied.
        PendingConfIndex = RaftLog.LastIndex();
        // An empty entry of the new term: committing it commits everything before (§5.4.2) and enables ReadIndex.
        AppendEntry([new Entry()]);
        if (InfoOn) Info($"{Id} became leader at term {Term}");
    }

    // ---- ticks ------------------------------------------------------------------------------

    public void Tick() => _tick();

    private void TickElection()
    {
        ElectionElapsed++;
        if (Promotable() && PastElectionTimeout())
        {
            ElectionElapsed = 0;
            Step(new Message { From = Id, Type = MessageType.MsgHup });
        }
    }

    private void TickHeartbeat()
    {
        HeartbeatElapsed++;
        ElectionElapsed++;
        if (ElectionElapsed >= ElectionTimeout)
        {
            ElectionElapsed = 0;
            if (_checkQuorum) Step(new Message { From = Id, Type = MessageType.MsgCheckQuorum });
            // A transfer that did not finish within an election timeout is abandoned.
            if (State == RaftState.Leader && LeadTransferee != None) AbortLeaderTransfer();
        }
        if (State != RaftState.Leader) return;
        if (HeartbeatElapsed >= HeartbeatTimeout)
        {
            HeartbeatElapsed = 0;
            Step(new Message { From = Id, Type = MessageType.MsgBeat });
        }
    }

    internal bool PastElectionTimeout() => ElectionElapsed >= RandomizedElectionTimeout;

    internal void ResetRandomizedElectionTimeout() =>
        RandomizedElectionTimeout = ElectionTimeout + _random.Next(ElectionTimeout);

    /// <summary>Whether this node may campaign: a voter in its own config with no snapshot pending.</summary>
    internal bool Promotable()
    {
        var pr = Prs.Get(Id);
        return pr is not null && !pr.IsLearner && !RaftLog.HasPendingSnapshot();
    }

    internal void AbortLeaderTransfer() => LeadTransferee = None;

    // ---- membership ---------------------------------------------------------------------------

    /// <summary>Applies a committed membership change and returns the resulting configuration.</summary>
    public ConfState ApplyConfChange(IReadOnlyList<ConfChangeSingle> changes)
    {
        ConfChanger.Simple(Prs, changes, RaftLog.LastIndex());
        return SwitchToConfig();
    }

    /// <summary>Reacts to a new configuration installed in Prs.</summary>
    private ConfState SwitchToConfig()
    {
        var cs = Prs.ConfState();
        var self = Prs.Get(Id);
        IsLearner = self is not null && self.IsLearner;
        if (InfoOn) Info($"{Id} switched to configuration {Prs}");

        if ((self is null || IsLearner) && State == RaftState.Leader)
        {
            // Removed or demoted: a leader that is not a voter would keep heartbeating a group it no
            // longer belongs to and block a new election, so it steps down (etcd's StepDownOnRemoval).
            BecomeFollower(Term, None);
            return cs;
        }
        if (State != RaftState.Leader || cs.Voters.Count == 0) return cs;

        // The quorum may have shrunk (an entry may be committed now) or grown (new peers need appends).
        if (MaybeCommit())
        {
            BcastAppend();
        }
        else
        {
            foreach (var id in Prs.Ids)
            {
                if (id != Id) MaybeSendAppend(id, sendIfEmpty: false);
            }
        }
        if (LeadTransferee != None && !Prs.Voters.Contains(LeadTransferee)) AbortLeaderTransfer();
        return cs;
    }

    /// <summary>
    /// Installs a snapshot from the leader. Returns false when it brings nothing new (then only
    /// the commit index may move forward).
    /// </summary>
    private bool Restore(Snapshot s)
    {
        var meta = s.Metadata;
        if (meta.Index <= RaftLog.Committed) return false;
        if (State != RaftState.Follower)
        {
            // Only a follower receives snapshots; defend against a buggy caller rather than corrupt state.
            Warn($"{Id} attempted to restore snapshot as leader; should never happen");
            BecomeFollower(Term + 1, None);
            return false;
        }
        var cs = meta.ConfState ?? new ConfState();
        var found = cs.Voters.Contains(Id) || cs.Learners.Contains(Id);
        if (!found)
        {
            Warn($"{Id} attempted to restore snapshot but it is not in the ConfState {cs}; should never happen");
            return false;
        }
        if (RaftLog.MatchTerm(meta.Index, meta.Term))
        {
            // We already have the entry the snapshot ends at: just fast-forward the commit index.
            if (InfoOn)
            {
                Info($"{Id} [commit: {RaftLog.Committed}, lastindex: {RaftLog.LastIndex()}, lastterm: {RaftLog.LastTerm()}] " +
                     $"fast-forwarded commit to snapshot [index: {meta.Index}, term: {meta.Term}]");
            }
            RaftLog.CommitTo(meta.Index);
            return false;
        }
        RaftLog.Restore(s);
        Prs = new ProgressTracker(Prs.MaxInflight);
        ConfChanger.Restore(Prs, cs, RaftLog.LastIndex());
        SwitchToConfig();
        if (InfoOn)
        {
            Info($"{Id} [commit: {RaftLog.Committed}, lastindex: {RaftLog.LastIndex()}, lastterm: {RaftLog.LastTerm()}] " +
                 $"restored snapshot [index: {meta.Index}, term: {meta.Term}]");
        }
        return true;
    }

    // ---- Ready bookkeeping ------------------------------------------------------------------------

    /// <summary>The application persisted and applied what a Ready handed out.</summary>
    internal void Advance(Ready rd)
    {
        var applied = rd.AppliedCursor();
        if (applied > 0) RaftLog.AppliedTo(applied);
        if (rd.Entries.Count > 0)
        {
            var e = rd.Entries[^1];
            RaftLog.StableTo(e.Index, e.Term);
        }
        if (rd.Snapshot is not null) RaftLog.StableSnapTo(rd.Snapshot.Metadata.Index);
    }
}
