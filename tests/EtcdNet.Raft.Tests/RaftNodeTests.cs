using EtcdNet.Raft.Raftpb;
using Google.Protobuf;

namespace EtcdNet.Raft.Tests;

/// <summary>The RaftNode API and the promises of the Ready contract, one at a time.</summary>
public sealed class RaftNodeTests
{
    private static (RaftNode Node, MemoryRaftStorage Storage) NewNode(ulong id, ulong applied = 1, MemoryRaftStorage? storage = null)
    {
        if (storage is null)
        {
            storage = new MemoryRaftStorage();
            var cs = new ConfState();
            cs.Voters.AddRange([1UL, 2UL, 3UL]);
            storage.ApplySnapshot(new Snapshot { Metadata = new SnapshotMetadata { Index = 1, Term = 1, ConfState = cs } });
        }
        var node = new RaftNode(new RaftConfig { Id = id, Storage = storage, Applied = applied, Random = new Random(7) });
        return (node, storage);
    }

    [Fact]
    public void GetReady_VoteGranted_CarriesHardStateToPersistBeforeSending()
    {
        var (node, _) = NewNode(2);
        node.Step(new Message { Type = MessageType.MsgVote, From = 1, To = 2, Term = 5, Index = 1, LogTerm = 1 });
        var rd = node.GetReady();
        var resp = Assert.Single(rd.Messages);
        Assert.Equal(MessageType.MsgVoteResp, resp.Type);
        Assert.False(resp.Reject);
        Assert.NotNull(rd.HardState);
        Assert.Equal(5UL, rd.HardState!.Term);
        Assert.Equal(1UL, rd.HardState.Vote);
        Assert.True(rd.MustSync);
    }

    [Fact]
    public void GetReady_FollowerAppend_AckCoversOnlyEntriesInSameReady()
    {
        var (node, storage) = NewNode(2);
        var m = new Message { Type = MessageType.MsgApp, From = 1, To = 2, Term = 1, Index = 1, LogTerm = 1, Commit = 1 };
        m.Entries.Add(new Entry { Index = 2, Term = 1, Data = ByteString.CopyFromUtf8("x") });
        node.Step(m);
        var rd = node.GetReady();
        Assert.Equal(1UL, storage.LastIndex()); // Raft wrote nothing itself
        Assert.Equal(2UL, Assert.Single(rd.Entries).Index);
        Assert.Equal(2UL, Assert.Single(rd.Messages).Index);
        Assert.True(rd.MustSync);
        Assert.Empty(rd.CommittedEntries); // not committed yet: must not be applied
    }

    [Fact]
    public void Advance_AfterHandlingReady_NothingLeft()
    {
        var (node, storage) = NewNode(1);
        node.Campaign();
        Assert.True(node.HasReady());
        var rd = node.GetReady();
        if (rd.HardState is not null) storage.SetHardState(rd.HardState);
        storage.Append(rd.Entries);
        node.Advance(rd);
        Assert.False(node.HasReady());
        // Messages are handed out once, even if GetReady is called again before anything happens.
        Assert.True(node.GetReady().IsEmpty);
    }

    [Fact]
    public void GetReady_CommittedEntries_NeverBeyondCommitOfSameReady()
    {
        var nt = new RaftNetwork(3);
        nt.Campaign(1);
        var leader = nt[1];
        leader.Propose(ByteString.CopyFromUtf8("a"));
        var rd = leader.GetReady();
        Assert.Empty(rd.CommittedEntries); // a quorum has not acknowledged it yet
        nt.Peers[1].Storage.Append(rd.Entries);
        leader.Advance(rd);
        foreach (var m in rd.Messages) nt[m.To].Step(m);
        nt.Stabilize();
        Assert.Equal("a", nt.Peers[1].Applied.Single().Data.ToStringUtf8());
    }

    [Fact]
    public void New_WithAppliedIndex_HandsOutOnlyLaterCommittedEntries()
    {
        var storage = new MemoryRaftStorage();
        var cs = new ConfState();
        cs.Voters.Add(1);
        storage.ApplySnapshot(new Snapshot { Metadata = new SnapshotMetadata { Index = 1, Term = 1, ConfState = cs } });
        storage.Append([new Entry { Index = 2, Term = 1 }, new Entry { Index = 3, Term = 1 }, new Entry { Index = 4, Term = 1 }]);
        storage.SetHardState(new HardState { Term = 1, Vote = 1, Commit = 4 });
        var (node, _) = NewNode(1, applied: 3, storage: storage);
        var rd = node.GetReady();
        Assert.Equal(4UL, Assert.Single(rd.CommittedEntries).Index);
    }

    [Fact]
    public void Status_Leader_ReportsFollowerMatchForLearnerCatchUp()
    {
        var nt = new RaftNetwork(2, learners: 1);
        nt.Campaign(1);
        nt.Propose(1, "x");
        var st = nt[1].Status;
        Assert.Equal(RaftState.Leader, st.RaftState);
        Assert.True(st.Progress[3].IsLearner);
        Assert.Equal(st.Progress[1].Match, st.Progress[3].Match);
        Assert.Empty(nt[2].Status.Progress); // only the leader tracks progress
    }

    [Fact]
    public void Bootstrap_EmptyStorage_StartsWithPeersAsVoters()
    {
        var storage = new MemoryRaftStorage();
        var node = new RaftNode(new RaftConfig { Id = 1, Storage = storage, Random = new Random(1) });
        node.Bootstrap([(1UL, null), (2UL, null)]);
        Assert.Equal(new ulong[] { 1, 2 }, node.Status.Config.Voters);
        var rd = node.GetReady();
        Assert.Equal(2, rd.Entries.Count);
        Assert.Equal(2, rd.CommittedEntries.Count);
        Assert.Equal(2UL, rd.HardState!.Commit);
        Assert.Throws<InvalidOperationException>(() =>
        {
            storage.Append(rd.Entries);
            new RaftNode(new RaftConfig { Id = 1, Storage = storage }).Bootstrap([(1UL, null)]);
        });
    }

    [Fact]
    public void Config_Invalid_Rejected()
    {
        var storage = new MemoryRaftStorage();
        Assert.Throws<ArgumentException>(() => new RaftNode(new RaftConfig { Id = 0, Storage = storage }));
        Assert.Throws<ArgumentException>(() => new RaftNode(new RaftConfig { Id = 1, Storage = storage, ElectionTick = 1, HeartbeatTick = 1 }));
        Assert.Throws<ArgumentException>(() => new RaftNode(new RaftConfig { Id = 1, Storage = storage, ReadOnlyOption = ReadOnlyOption.LeaseBased }));
    }
}
