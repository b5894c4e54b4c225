using EtcdNet.Raft.Raftpb;

namespace EtcdNet.Raft.Tests;

public sealed class MemoryRaftStorageTests
{
    private static MemoryRaftStorage WithEntries(params (ulong Index, ulong Term)[] ents)
    {
        var s = new MemoryRaftStorage();
        s.ApplySnapshot(new Snapshot { Metadata = new SnapshotMetadata { Index = ents[0].Index, Term = ents[0].Term, ConfState = new ConfState() } });
        s.Append(ents.Skip(1).Select(e => new Entry { Index = e.Index, Term = e.Term }).ToList());
        return s;
    }

    [Fact]
    public void Term_OutsideRange_ThrowsTypedErrors()
    {
        var s = WithEntries((3, 3), (4, 4), (5, 5));
        Assert.Throws<CompactedException>(() => s.Term(2));
        Assert.Equal(3UL, s.Term(3));
        Assert.Equal(5UL, s.Term(5));
        Assert.Throws<UnavailableException>(() => s.Term(6));
    }

    [Fact]
    public void Entries_WithMaxSize_ReturnsAtLeastOne()
    {
        var s = WithEntries((3, 3), (4, 4), (5, 5), (6, 6));
        Assert.Throws<CompactedException>(() => s.Entries(3, 5, ulong.MaxValue));
        Assert.Equal(2, s.Entries(4, 6, ulong.MaxValue).Count);
        Assert.Single(s.Entries(4, 7, 0));
        var one = (ulong)new Entry { Index = 4, Term = 4 }.CalculateSize();
        Assert.Equal(2, s.Entries(4, 7, one * 2).Count);
    }

    [Fact]
    public void Append_Conflicting_TruncatesAndReplaces()
    {
        var s = WithEntries((3, 3), (4, 4), (5, 5));
        s.Append([new Entry { Index = 4, Term = 6 }, new Entry { Index = 5, Term = 6 }]);
        Assert.Equal(6UL, s.Term(4));
        s.Append([new Entry { Index = 6, Term = 6 }]);
        Assert.Equal(6UL, s.LastIndex());
        // Entries already compacted are skipped.
        s.Append([new Entry { Index = 2, Term = 3 }, new Entry { Index = 3, Term = 3 }, new Entry { Index = 4, Term = 7 }]);
        Assert.Equal(4UL, s.LastIndex());
        Assert.Equal(7UL, s.Term(4));
        Assert.Throws<InvalidOperationException>(() => s.Append([new Entry { Index = 9, Term = 7 }]));
    }

    [Fact]
    public void Compact_ThenCreateSnapshot_KeepsTermOfCompactedIndex()
    {
        var s = WithEntries((3, 3), (4, 4), (5, 5));
        s.Compact(4);
        Assert.Equal(5UL, s.FirstIndex());
        Assert.Equal(4UL, s.Term(4));
        Assert.Throws<CompactedException>(() => s.Compact(4));
        var cs = new ConfState();
        cs.Voters.Add(1);
        var snap = s.CreateSnapshot(5, cs, Google.Protobuf.ByteString.CopyFromUtf8("d"));
        Assert.Equal(5UL, snap.Metadata.Term);
        Assert.Throws<SnapshotOutOfDateException>(() => s.CreateSnapshot(5, cs, null));
        Assert.Equal(new ulong[] { 1 }, s.InitialState().ConfState.Voters);
    }

    [Fact]
    public void ApplySnapshot_Older_Refused()
    {
        var s = WithEntries((5, 5), (6, 6));
        Assert.Throws<SnapshotOutOfDateException>(() =>
            s.ApplySnapshot(new Snapshot { Metadata = new SnapshotMetadata { Index = 4, Term = 4 } }));
        s.ApplySnapshot(new Snapshot { Metadata = new SnapshotMetadata { Index = 9, Term = 9, ConfState = new ConfState() } });
        Assert.Equal(10UL, s.FirstIndex());
        Assert.Equal(9UL, s.LastIndex());
    }
}
