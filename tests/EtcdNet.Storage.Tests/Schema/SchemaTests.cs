using EtcdNet.Storage.Schema;

namespace EtcdNet.Storage.Tests.Schema;

public sealed class SchemaTests
{
    [Fact]
    public void Buckets_All_HaveEtcdNamesAndUniqueIds()
    {
        string[] names = Buckets.All.Select(b => b.Name).ToArray();
        Assert.Equal(["key", "meta", "lease", "alarm", "cluster", "members", "members_removed", "auth", "authUsers", "authRoles"], names);
        Assert.Equal(Buckets.All.Count, Buckets.All.Select(b => b.Id).Distinct().Count());
        Assert.Equal(1, Buckets.Key.Id);
        Assert.Equal(22, Buckets.AuthRoles.Id);
    }

    [Fact]
    public void RevisionKey_Encode_IsBigEndianWithSeparator()
    {
        byte[] key = RevisionKey.Encode(0x0102, 0x03);
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 0, 1, 2, (byte)'_', 0, 0, 0, 0, 0, 0, 0, 3 }, key);
        Assert.False(RevisionKey.IsTombstone(key));
        Assert.Equal((0x0102L, 0x03L), RevisionKey.Decode(key));
    }

    [Fact]
    public void RevisionKey_Tombstone_AppendsMark()
    {
        byte[] key = RevisionKey.Encode(5, 1, tombstone: true);
        Assert.Equal(RevisionKey.TombstoneSize, key.Length);
        Assert.Equal((byte)'t', key[^1]);
        Assert.True(RevisionKey.IsTombstone(key));
        Assert.Equal((5L, 1L), RevisionKey.Decode(key));
    }

    [Fact]
    public void RevisionKey_ByteOrder_FollowsRevisionOrder()
    {
        byte[] a = RevisionKey.Encode(255, 9);
        byte[] b = RevisionKey.Encode(256, 0);
        byte[] c = RevisionKey.Encode(256, 1);
        Assert.True(a.AsSpan().SequenceCompareTo(b) < 0);
        Assert.True(b.AsSpan().SequenceCompareTo(c) < 0);
        Assert.True(b.AsSpan().SequenceCompareTo(RevisionKey.Encode(256, 0, tombstone: true)) < 0);
    }

    [Fact]
    public void ConsistentIndex_RoundTrips_BigEndian()
    {
        byte[] bytes = ConsistentIndex.Encode(0x0102030405060708UL);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, bytes);
        Assert.Equal(0x0102030405060708UL, ConsistentIndex.Decode(bytes));
        Assert.Equal(0UL, ConsistentIndex.Decode([]));
        Assert.Throws<FormatException>(() => ConsistentIndex.Decode(new byte[3]));
    }

    [Fact]
    public void MetaKeys_AreEtcdNames()
    {
        Assert.Equal("consistent_index", MetaKeys.Describe(MetaKeys.ConsistentIndexKey));
        Assert.Equal("term", MetaKeys.Describe(MetaKeys.TermKey));
        Assert.Equal("scheduledCompactRev", MetaKeys.Describe(MetaKeys.ScheduledCompactRevKey));
        Assert.Equal("finishedCompactRev", MetaKeys.Describe(MetaKeys.FinishedCompactRevKey));
    }
}
