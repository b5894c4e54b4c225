namespace EtcdNet.Mvcc.Tests;

public sealed class KeyIndexTests
{
    private static Revision R(long main, long sub = 0) => new(main, sub);

    /// <summary>The class comment's example: puts at 2, 4, 5, delete at 6, puts at 9, 10.</summary>
    private static KeyIndex Example()
    {
        var ki = new KeyIndex("k"u8.ToArray());
        ki.Put(R(2));
        ki.Put(R(4));
        ki.Put(R(5));
        Assert.True(ki.Tombstone(R(6)));
        ki.Put(R(9));
        ki.Put(R(10));
        return ki;
    }

    [Fact]
    public void PutAndTombstone_BuildGenerations()
    {
        KeyIndex ki = Example();
        Assert.Equal(2, ki.Generations.Count);
        Assert.Equal([R(2), R(4), R(5), R(6)], ki.Generations[0].Revisions);
        Assert.Equal(4, ki.Generations[0].Version);
        Assert.Equal(R(2), ki.Generations[0].Created);
        Assert.Equal([R(9), R(10)], ki.Generations[1].Revisions);
        Assert.Equal(R(9), ki.Generations[1].Created);
        Assert.Equal(R(10), ki.Modified);
    }

    [Theory]
    [InlineData(1, false, 0, 0, 0)]
    [InlineData(2, true, 2, 2, 1)]
    [InlineData(3, true, 2, 2, 1)]
    [InlineData(4, true, 4, 2, 2)]
    [InlineData(5, true, 5, 2, 3)]
    [InlineData(6, false, 0, 0, 0)]
    [InlineData(8, false, 0, 0, 0)]
    [InlineData(9, true, 9, 9, 1)]
    [InlineData(100, true, 10, 9, 2)]
    public void TryGet_AtRevision_ReturnsStateThen(long at, bool exists, long mod, long created, long version)
    {
        KeyIndex ki = Example();
        Assert.Equal(exists, ki.TryGet(at, out Revision m, out Revision c, out long v));
        Assert.Equal(mod, m.Main);
        Assert.Equal(created, c.Main);
        Assert.Equal(version, v);
    }

    [Fact]
    public void Tombstone_OnDeletedKey_ReturnsFalse()
    {
        var ki = new KeyIndex("k"u8.ToArray());
        Assert.False(ki.Tombstone(R(1)));
        ki.Put(R(2));
        Assert.True(ki.Tombstone(R(3)));
        Assert.False(ki.Tombstone(R(4)));
    }

    [Fact]
    public void Put_NotAfterModified_Throws()
    {
        var ki = new KeyIndex("k"u8.ToArray());
        ki.Put(R(5));
        Assert.Throws<InvalidOperationException>(() => ki.Put(R(5)));
        Assert.Throws<InvalidOperationException>(() => ki.Put(R(4)));
    }

    [Theory]
    [InlineData(4, "2:4,5,6|9,10", "4")]
    [InlineData(5, "2:5,6|9,10", "5")]
    [InlineData(6, "9:9,10", "")]
    [InlineData(9, "9:9,10", "9")]
    [InlineData(10, "9:10", "10")]
    [InlineData(1, "2:2,4,5,6|9,10", "")]
    public void Compact_AtRevision_KeepsWhatEtcdKeeps(long at, string expected, string available)
    {
        KeyIndex ki = Example();
        var keep = new HashSet<Revision>();
        ki.Compact(at, keep);
        string actual = ki.Generations[0].Created.Main + ":" + string.Join("|",
            ki.Generations.Where(g => !g.IsEmpty).Select(g => string.Join(",", g.Revisions.Select(r => r.Main))));
        Assert.Equal(expected, actual);
        Assert.Equal(available, string.Join(",", keep.Select(r => r.Main).Order()));
    }

    [Fact]
    public void Compact_PastTombstoneOfLastLife_EmptiesIndex()
    {
        var ki = new KeyIndex("k"u8.ToArray());
        ki.Put(R(2));
        ki.Put(R(3));
        ki.Tombstone(R(4));
        var keep = new HashSet<Revision>();
        ki.Compact(3, keep);
        Assert.False(ki.IsEmpty);
        Assert.Equal([R(3)], keep);
        ki.Compact(4, keep = []);
        Assert.True(ki.IsEmpty);
        Assert.Empty(keep);
    }

    [Fact]
    public void Keep_DoesNotChangeIndex_AndMatchesCompact()
    {
        KeyIndex ki = Example();
        var keep = new HashSet<Revision>();
        ki.Keep(5, keep);
        Assert.Equal([R(5)], keep);
        Assert.Equal(6, ki.Generations.Sum(g => g.Revisions.Count));
    }

    [Fact]
    public void Since_Revision_ReturnsChangesFromThere()
    {
        KeyIndex ki = Example();
        Assert.Equal([R(5), R(6), R(9), R(10)], ki.Since(5));
        Assert.Equal([R(9), R(10)], ki.Since(7));
        Assert.Equal([R(2), R(4), R(5), R(6), R(9), R(10)], ki.Since(1));
    }

    [Fact]
    public void TreeIndex_Revisions_RangeSemantics()
    {
        var index = new TreeIndex();
        index.Put("a"u8.ToArray(), R(2));
        index.Put("b"u8.ToArray(), R(3));
        index.Put("c"u8.ToArray(), R(4));
        index.Tombstone("b"u8.ToArray(), R(5), out _);
        var revs = new List<Revision>();
        Assert.Equal(1, index.Revisions("a"u8.ToArray(), null, 10, revs));
        revs.Clear();
        Assert.Equal(2, index.Revisions("a"u8.ToArray(), ReadOnlyMemory<byte>.Empty, 10, revs));
        Assert.Equal([R(2), R(4)], revs);
        revs.Clear();
        Assert.Equal(2, index.Revisions("a"u8.ToArray(), "c"u8.ToArray(), 4, revs));
        Assert.Equal([R(2), R(3)], revs);
        revs.Clear();
        Assert.Equal(0, index.Revisions("c"u8.ToArray(), "a"u8.ToArray(), 10, revs));
        Assert.Equal([R(3), R(4), R(5)], index.RangeSince("a"u8.ToArray(), ReadOnlyMemory<byte>.Empty, 3));
        HashSet<Revision> keep = index.Compact(5);
        Assert.Equal(2, index.Count);
        Assert.Equal(new HashSet<Revision> { R(2), R(4) }, keep);
    }
}
