using EtcdNet.Raft.Raftpb;
using Google.Protobuf;

namespace EtcdNet.Raft.Tests;

/// <summary>
/// Tests keyed to rules of the Raft paper (Ongaro and Ousterhout, "In Search of an Understandable
/// Consensus Algorithm"). Each sets a single state machine up, feeds it messages and checks the
/// messages it produces and the state it ends in.
/// </summary>
public sealed class RaftPaperTests
{
    private static Raft NewRaft(ulong id, ulong[] peers, MemoryRaftStorage? storage = null, int election = 10)
    {
        storage ??= new MemoryRaftStorage();
        if (storage.Snapshot().Metadata.Index == 0 && storage.LastIndex() == 0)
        {
            var cs = new ConfState();
            cs.Voters.AddRange(peers);
            storage.ApplySnapshot(new Snapshot { Metadata = new SnapshotMetadata { Index = 1, Term = 1, ConfState = cs } });
        }
        return new Raft(new RaftConfig
        {
            Id = id, ElectionTick = election, HeartbeatTick = 1, Storage = storage, Random = new Random(1),
        });
    }

    private static List<Message> TakeMsgs(Raft r)
    {
        var msgs = r.Msgs;
        r.Msgs = [];
        return msgs;
    }

    private static Raft LeaderOf3()
    {
        var r = NewRaft(1, [1, 2, 3]);
        r.BecomeCandidate();
        r.BecomeLeader();
        TakeMsgs(r);
        return r;
    }

    // §5.1: a server that sees a larger term updates its term and reverts to follower.
    [Theory]
    [InlineData(RaftState.Follower)]
    [InlineData(RaftState.Candidate)]
    [InlineData(RaftState.Leader)]
    [InlineData(RaftState.PreCandidate)]
    public void Step_HigherTermMessage_BecomesFollowerAtThatTerm(RaftState state)
    {
        var r = NewRaft(1, [1, 2, 3]);
        switch (state)
        {
            case RaftState.Follower: r.BecomeFollower(1, 2); break;
            case RaftState.Candidate: r.BecomeCandidate(); break;
            case RaftState.PreCandidate: r.BecomePreCandidate(); break;
            case RaftState.Leader: r.BecomeCandidate(); r.BecomeLeader(); break;
        }
        r.Step(new Message { Type = MessageType.MsgApp, From = 2, To = 1, Term = 5, Index = 1, LogTerm = 1 });
        Assert.Equal(5UL, r.Term);
        Assert.Equal(RaftState.Follower, r.State);
        Assert.Equal(2UL, r.Lead);
    }

    // §5.1: a request with a stale term is rejected (here: ignored).
    [Fact]
    public void Step_StaleTermMessage_Ignored()
    {
        var r = NewRaft(1, [1, 2, 3]);
        r.BecomeFollower(2, None);
        r.Step(new Message { Type = MessageType.MsgApp, From = 2, To = 1, Term = 1, Index = 1, LogTerm = 1, Commit = 1 });
        Assert.Equal(2UL, r.Term);
        Assert.Equal(0UL, r.Lead);
        Assert.Empty(TakeMsgs(r));
    }

    private const ulong None = 0;

    // §5.2: servers start as followers.
    [Fact]
    public void New_Start_IsFollowerAtTermZero()
    {
        var r = NewRaft(1, [1, 2, 3]);
        Assert.Equal(RaftState.Follower, r.State);
        Assert.Equal(0UL, r.Term);
    }

    // §5.2: leaders send periodic heartbeats to all followers.
    [Fact]
    public void Tick_Leader_BroadcastsHeartbeats()
    {
        var r = LeaderOf3();
        r.Tick();
        var msgs = TakeMsgs(r).OrderBy(m => m.To).ToList();
        Assert.Equal(2, msgs.Count);
        Assert.All(msgs, m => Assert.Equal(MessageType.MsgHeartbeat, m.Type));
        Assert.Equal(new ulong[] { 2, 3 }, msgs.Select(m => m.To));
    }

    // §5.2: on election timeout a follower becomes candidate, votes for itself and asks the others.
    [Fact]
    public void Tick_FollowerElectionTimeout_StartsElection()
    {
        var r = NewRaft(1, [1, 2, 3]);
        for (var i = 0; i < 2 * 10; i++) r.Tick();
        Assert.Equal(RaftState.Candidate, r.State);
        Assert.Equal(1UL, r.Term);
        Assert.Equal(1UL, r.Vote);
        var msgs = TakeMsgs(r);
        Assert.Equal(2, msgs.Count);
        Assert.All(msgs, m => Assert.Equal(MessageType.MsgVote, m.Type));
    }

    // §5.2: a candidate wins with a majority of votes, loses with a majority of rejections, else waits.
    [Theory]
    [InlineData(1, "", RaftState.Leader)]
    [InlineData(3, "2y 3y", RaftState.Leader)]
    [InlineData(3, "2y", RaftState.Leader)]
    [InlineData(5, "2y 3y 4y 5y", RaftState.Leader)]
    [InlineData(5, "2y 3y 4y", RaftState.Leader)]
    [InlineData(5, "2y 3y", RaftState.Leader)]
    [InlineData(3, "2n 3n", RaftState.Follower)]
    [InlineData(5, "2n 3n 4n", RaftState.Follower)]
    [InlineData(5, "2y 3n 4n 5n", RaftState.Follower)]
    [InlineData(3, "", RaftState.Candidate)]
    [InlineData(5, "2y", RaftState.Candidate)]
    [InlineData(5, "2y 3n", RaftState.Candidate)]
    public void Campaign_VoteResponses_DecideOutcome(int size, string votes, RaftState want)
    {
        var peers = Enumerable.Range(1, size).Select(i => (ulong)i).ToArray();
        var r = NewRaft(1, peers);
        r.Step(new Message { Type = MessageType.MsgHup, From = 1, To = 1 });
        foreach (var v in votes.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            r.Step(new Message { Type = MessageType.MsgVoteResp, From = ulong.Parse(v[..^1]), To = 1, Term = r.Term, Reject = v[^1] == 'n' });
        }
        Assert.Equal(want, r.State);
        Assert.Equal(1UL, r.Term);
    }

    // §5.2: a follower votes for at most one candidate per term, first come first served.
    [Theory]
    [InlineData(0UL, 2UL, false)]
    [InlineData(0UL, 3UL, false)]
    [InlineData(2UL, 2UL, false)]
    [InlineData(3UL, 3UL, false)]
    [InlineData(2UL, 3UL, true)]
    [InlineData(3UL, 2UL, true)]
    public void Step_VoteRequest_GrantsAtMostOnePerTerm(ulong vote, ulong candidate, bool wantReject)
    {
        var storage = new MemoryRaftStorage();
        var r = NewRaft(1, [1, 2, 3], storage);
        r.BecomeFollower(1, None);
        if (vote != 0) r.Step(new Message { Type = MessageType.MsgVote, From = vote, To = 1, Term = 1, Index = 1, LogTerm = 1 });
        TakeMsgs(r);
        r.Step(new Message { Type = MessageType.MsgVote, From = candidate, To = 1, Term = 1, Index = 1, LogTerm = 1 });
        var resp = Assert.Single(TakeMsgs(r));
        Assert.Equal(MessageType.MsgVoteResp, resp.Type);
        Assert.Equal(wantReject, resp.Reject);
    }

    // §5.2: a candidate that hears from a leader of its term (or later) returns to follower.
    [Theory]
    [InlineData(1UL)]
    [InlineData(2UL)]
    public void Step_CandidateReceivesAppend_FallsBack(ulong termDelta)
    {
        var r = NewRaft(1, [1, 2, 3]);
        r.Step(new Message { Type = MessageType.MsgHup, From = 1, To = 1 });
        var term = r.Term + termDelta - 1;
        r.Step(new Message { Type = MessageType.MsgApp, From = 2, To = 1, Term = term, Index = 1, LogTerm = 1 });
        Assert.Equal(RaftState.Follower, r.State);
        Assert.Equal(term, r.Term);
    }

    // §5.4.1: a voter denies its vote when its own log is more up to date than the candidate's.
    [Theory]
    // candidate (logTerm, index) against a voter log of [1/2, 2/3]
    [InlineData(2UL, 3UL, false)]
    [InlineData(2UL, 4UL, false)]
    [InlineData(3UL, 2UL, false)]
    [InlineData(2UL, 2UL, true)]
    [InlineData(1UL, 5UL, true)]
    public void Step_VoteRequest_RejectsLessUpToDateLog(ulong logTerm, ulong index, bool wantReject)
    {
        var storage = new MemoryRaftStorage();
        var cs = new ConfState();
        cs.Voters.AddRange([1UL, 2UL, 3UL]);
        storage.ApplySnapshot(new Snapshot { Metadata = new SnapshotMetadata { Index = 1, Term = 1, ConfState = cs } });
        storage.Append([new Entry { Index = 2, Term = 1 }, new Entry { Index = 3, Term = 2 }]);
        var r = NewRaft(1, [1, 2, 3], storage);
        r.Step(new Message { Type = MessageType.MsgVote, From = 2, To = 1, Term = 3, Index = index, LogTerm = logTerm });
        var resp = Assert.Single(TakeMsgs(r));
        Assert.Equal(wantReject, resp.Reject);
    }

    // §5.3: the leader appends a proposal to its log and sends it to every follower; it is not committed yet.
    [Fact]
    public void Step_LeaderProposal_ReplicatesButDoesNotCommitAlone()
    {
        var r = LeaderOf3();
        var commit = r.RaftLog.Committed;
        var m = new Message { Type = MessageType.MsgProp, From = 1, To = 1 };
        m.Entries.Add(new Entry { Data = ByteString.CopyFromUtf8("some data") });
        r.Step(m);
        r.FlushProposals(); // what collecting the next Ready does
        Assert.Equal(commit, r.RaftLog.Committed);
        var msgs = TakeMsgs(r).Where(x => x.Type == MessageType.MsgApp).ToList();
        Assert.Equal(2, msgs.Count);
        Assert.All(msgs, x => Assert.Equal("some data", x.Entries[^1].Data.ToStringUtf8()));
    }

    // §5.3: an entry is committed once the leader has replicated it on a majority.
    [Theory]
    [InlineData(3, "", false)]
    [InlineData(3, "2", true)]
    [InlineData(3, "2 3", true)]
    [InlineData(5, "2", false)]
    [InlineData(5, "2 3", true)]
    [InlineData(4, "2", false)]
    [InlineData(4, "2 3", true)]
    public void Step_AppendAcks_CommitWithMajority(int size, string acks, bool wantCommit)
    {
        var peers = Enumerable.Range(1, size).Select(i => (ulong)i).ToArray();
        var r = NewRaft(1, peers);
        r.BecomeCandidate();
        r.BecomeLeader();
        var m = new Message { Type = MessageType.MsgProp, From = 1, To = 1 };
        m.Entries.Add(new Entry { Data = ByteString.CopyFromUtf8("x") });
        r.Step(m);
        var li = r.RaftLog.LastIndex();
        foreach (var a in acks.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            r.Step(new Message { Type = MessageType.MsgAppResp, From = ulong.Parse(a), To = 1, Term = r.Term, Index = li });
        }
        Assert.Equal(wantCommit, r.RaftLog.Committed >= li);
    }

    // §5.4.2: a leader only commits entries of its own term by counting replicas; older ones commit indirectly.
    [Fact]
    public void Step_AcksForPreviousTermEntry_DoNotCommitIt()
    {
        var storage = new MemoryRaftStorage();
        var cs = new ConfState();
        cs.Voters.AddRange([1UL, 2UL, 3UL]);
        storage.ApplySnapshot(new Snapshot { Metadata = new SnapshotMetadata { Index = 1, Term = 1, ConfState = cs } });
        storage.Append([new Entry { Index = 2, Term = 1 }, new Entry { Index = 3, Term = 2 }]);
        storage.SetHardState(new HardState { Term = 2, Commit = 1 });
        var r = NewRaft(1, [1, 2, 3], storage);
        r.BecomeCandidate(); // term 3
        r.BecomeLeader(); // appends 3/4
        TakeMsgs(r);
        r.Step(new Message { Type = MessageType.MsgAppResp, From = 2, To = 1, Term = 3, Index = 3 });
        Assert.Equal(1UL, r.RaftLog.Committed); // index 3 is of term 2: replicated on a majority, not committed
        r.Step(new Message { Type = MessageType.MsgAppResp, From = 2, To = 1, Term = 3, Index = 4 });
        Assert.Equal(4UL, r.RaftLog.Committed); // committing 3/4 commits everything before it
    }

    // §5.3: a follower rejects an append whose previous entry does not match its log.
    [Theory]
    // prev (term, index) against a follower log [1/2, 2/3] -> reject
    [InlineData(1UL, 2UL, false)]
    [InlineData(2UL, 3UL, false)]
    [InlineData(1UL, 3UL, true)]
    [InlineData(2UL, 4UL, true)]
    public void Step_AppendWithPrevEntry_RejectedUnlessLogMatches(ulong prevTerm, ulong prevIndex, bool wantReject)
    {
        var storage = new MemoryRaftStorage();
        var cs = new ConfState();
        cs.Voters.AddRange([1UL, 2UL, 3UL]);
        storage.ApplySnapshot(new Snapshot { Metadata = new SnapshotMetadata { Index = 1, Term = 1, ConfState = cs } });
        storage.Append([new Entry { Index = 2, Term = 1 }, new Entry { Index = 3, Term = 2 }]);
        var r = NewRaft(1, [1, 2, 3], storage);
        r.BecomeFollower(2, 2);
        r.Step(new Message { Type = MessageType.MsgApp, From = 2, To = 1, Term = 2, LogTerm = prevTerm, Index = prevIndex });
        var resp = Assert.Single(TakeMsgs(r));
        Assert.Equal(MessageType.MsgAppResp, resp.Type);
        Assert.Equal(wantReject, resp.Reject);
    }

    // §5.3: a follower deletes a conflicting entry and everything after it, then appends the leader's.
    [Fact]
    public void Step_AppendConflictingEntries_TruncatesFollowerSuffix()
    {
        var storage = new MemoryRaftStorage();
        var cs = new ConfState();
        cs.Voters.AddRange([1UL, 2UL, 3UL]);
        storage.ApplySnapshot(new Snapshot { Metadata = new SnapshotMetadata { Index = 1, Term = 1, ConfState = cs } });
        storage.Append([new Entry { Index = 2, Term = 1 }, new Entry { Index = 3, Term = 2 }, new Entry { Index = 4, Term = 2 }]);
        var r = NewRaft(1, [1, 2, 3], storage);
        r.BecomeFollower(3, 2);
        var m = new Message { Type = MessageType.MsgApp, From = 2, To = 1, Term = 3, LogTerm = 1, Index = 2 };
        m.Entries.Add(new Entry { Index = 3, Term = 3 });
        r.Step(m);
        Assert.Equal(3UL, r.RaftLog.LastIndex());
        Assert.Equal(3UL, r.RaftLog.TermOrZero(3));
    }
}
