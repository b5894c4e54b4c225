using EtcdNet.Raft.Raftpb;
using Google.Protobuf;

namespace EtcdNet.Raft.Tests;

/// <summary>Table tests over an in-memory network, in the etcd-io/raft spirit.</summary>
public sealed class RaftNetworkTests
{
    [Theory]
    // voters, nodes cut off, prevote -> state of node 1, term of node 1
    [InlineData(3, new ulong[] { }, false, RaftState.Leader, 1UL)]
    [InlineData(3, new ulong[] { 3 }, false, RaftState.Leader, 1UL)]
    [InlineData(3, new ulong[] { 2, 3 }, false, RaftState.Candidate, 1UL)]
    [InlineData(4, new ulong[] { 3, 4 }, false, RaftState.Candidate, 1UL)]
    [InlineData(5, new ulong[] { 4, 5 }, false, RaftState.Leader, 1UL)]
    [InlineData(3, new ulong[] { }, true, RaftState.Leader, 1UL)]
    [InlineData(3, new ulong[] { 2, 3 }, true, RaftState.PreCandidate, 0UL)]
    [InlineData(5, new ulong[] { 3, 4, 5 }, true, RaftState.PreCandidate, 0UL)]
    public void Campaign_WithUnreachablePeers_WinsOnlyWithQuorum(int voters, ulong[] down, bool preVote, RaftState want, ulong wantTerm)
    {
        var nt = new RaftNetwork(voters, preVote: preVote);
        foreach (var id in down) nt.Isolate(id);
        nt.Campaign(1);
        Assert.Equal(want, nt.Raft(1).State);
        Assert.Equal(wantTerm, nt.Raft(1).Term);
    }

    [Fact]
    public void Propose_AtLeaderAndFollower_CommitsEverywhereInOrder()
    {
        var nt = new RaftNetwork(3);
        nt.Campaign(1);
        Assert.True(nt.Propose(1, "a"));
        Assert.True(nt.Propose(2, "b")); // forwarded
        foreach (var p in nt.Peers.Values)
        {
            Assert.Equal(new[] { "a", "b" }, p.Applied.Select(e => e.Data.ToStringUtf8()));
            Assert.Equal(4UL, p.Node.Status.Commit);
        }
    }

    [Fact]
    public void Propose_WithoutLeader_Dropped()
    {
        var nt = new RaftNetwork(3);
        Assert.False(nt.Propose(1, "x"));
        Assert.All(nt.Peers.Values, p => Assert.Empty(p.Applied));
    }

    [Fact]
    public void Campaign_DuelingCandidates_UpToDateLogWinsAfterRetry()
    {
        var nt = new RaftNetwork(3);
        nt.Cut(1, 3);
        nt.Campaign(1); // wins with 2
        nt.Campaign(3); // 3 never heard of term 1's election: it campaigns for term 1, and 2 already voted in it
        Assert.Equal(RaftState.Leader, nt.Raft(1).State);
        // One rejection, one missing vote: undecided, 3 stays candidate.
        Assert.Equal(RaftState.Candidate, nt.Raft(3).State);
        Assert.Equal(1UL, nt.Raft(3).Term);
        nt.Recover();
        nt.Tick(1); // heartbeat brings everyone to the highest term
        nt.Campaign(1);
        Assert.Equal(RaftState.Leader, nt.Raft(1).State);
        Assert.True(nt.Propose(1, "after"));
        Assert.All(nt.Peers.Values, p => Assert.Equal("after", p.Applied[^1].Data.ToStringUtf8()));
    }

    [Fact]
    public void Step_MessageFromOldTerm_Ignored()
    {
        var nt = new RaftNetwork(3);
        nt.Campaign(1);
        nt.Campaign(2);
        nt.Campaign(1); // term 3, leader 1
        var stale = new Message { Type = MessageType.MsgApp, From = 2, To = 1, Term = 2, Index = 3, LogTerm = 2 };
        stale.Entries.Add(new Entry { Index = 4, Term = 2, Data = ByteString.CopyFromUtf8("stale") });
        nt.Send(stale);
        Assert.Equal(RaftState.Leader, nt.Raft(1).State);
        Assert.All(nt.Peers.Values, p => Assert.DoesNotContain(p.Applied, e => e.Data.ToStringUtf8() == "stale"));
    }

    [Fact]
    public void CheckQuorum_LeaderLosesQuorum_StepsDown()
    {
        var nt = new RaftNetwork(3, checkQuorum: true);
        nt.Campaign(1);
        nt.Isolate(1);
        nt.Tick(1, 2 * 10 + 1);
        Assert.Equal(RaftState.Follower, nt.Raft(1).State);
    }

    [Fact]
    public void PreVote_PartitionedNode_DoesNotInflateTerm()
    {
        var nt = new RaftNetwork(3, preVote: true, checkQuorum: true);
        nt.Campaign(1);
        nt.Isolate(3);
        for (var i = 0; i < 10; i++) nt.Tick(3, 30);
        Assert.Equal(1UL, nt.Raft(3).Term);
        nt.Recover();
        nt.Tick(1);
        Assert.Equal(RaftState.Leader, nt.Raft(1).State);
        Assert.Equal(1UL, nt.Raft(1).Term);
    }

    [Fact]
    public void Learner_ElectionTimeout_NeverCampaigns()
    {
        var nt = new RaftNetwork(2, learners: 1);
        nt.Tick(3, 100);
        Assert.Equal(RaftState.Follower, nt.Raft(3).State);
        Assert.Equal(0UL, nt.Raft(3).Term);
    }

    [Fact]
    public void ReadIndex_LeaseBased_AnswersWithoutHeartbeatRound()
    {
        var nt = new RaftNetwork(3, checkQuorum: true, readOnly: ReadOnlyOption.LeaseBased);
        nt.Campaign(1);
        nt.Ignore(MessageType.MsgHeartbeat);
        nt[1].ReadIndex(ByteString.CopyFromUtf8("lease"));
        nt.Stabilize();
        var rs = Assert.Single(nt.Peers[1].ReadStates);
        Assert.Equal(nt.Raft(1).RaftLog.Committed, rs.Index);
    }

    [Fact]
    public void ReadIndex_SafeWithoutQuorum_NeverAnswered()
    {
        var nt = new RaftNetwork(3);
        nt.Campaign(1);
        nt.Isolate(1);
        nt[1].ReadIndex(ByteString.CopyFromUtf8("r"));
        nt.Stabilize();
        nt.Tick(1, 5);
        Assert.Empty(nt.Peers[1].ReadStates);
    }

    [Fact]
    public void ApplyConfChange_RemoveLastVoter_Throws()
    {
        var nt = new RaftNetwork(1);
        Assert.Throws<InvalidOperationException>(() =>
            nt[1].ApplyConfChange(new Raftpb.ConfChange { Type = ConfChangeType.ConfChangeRemoveNode, NodeId = 1 }));
    }

    [Fact]
    public void Step_LocalMessageType_Refused()
    {
        var nt = new RaftNetwork(1);
        Assert.Throws<ArgumentException>(() => nt[1].Step(new Message { Type = MessageType.MsgHup, From = 1, To = 1 }));
    }

    [Fact]
    public void SingleNode_Propose_CommitsInSameReady()
    {
        var nt = new RaftNetwork(1);
        nt.Campaign(1);
        Assert.Equal(RaftState.Leader, nt.Raft(1).State);
        nt[1].Propose(ByteString.CopyFromUtf8("solo"));
        var rd = nt[1].GetReady();
        Assert.Single(rd.Entries);
        Assert.Single(rd.CommittedEntries);
        Assert.Equal(rd.Entries[0].Index, rd.CommittedEntries[0].Index);
    }
}
