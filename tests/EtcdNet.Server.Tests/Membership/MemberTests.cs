using EtcdNet.Server.Membership;

namespace EtcdNet.Server.Tests.Membership;

public sealed class MemberTests
{
    // Ids printed by real etcd 3.4 for the same flags: the default member, and one on 127.0.0.1:23801.
    [Theory]
    [InlineData("http://localhost:2380", "etcd-cluster", 0x8e9e05c52164694dUL, 0xcdf818194e3a8c32UL)]
    [InlineData("http://127.0.0.1:23801", "etcd-cluster", 0xbdae9bbc11dd390dUL, 15118495548433857066UL)]
    public void ComputeIds_MatchEtcd(string peerUrl, string token, ulong memberId, ulong clusterId)
    {
        var id = Member.ComputeId([peerUrl], token);
        Assert.Equal(memberId, id);
        Assert.Equal(clusterId, Member.ComputeClusterId([id]));
    }

    [Fact]
    public void ComputeId_SortsPeerUrls_AndDependsOnToken()
    {
        var a = Member.ComputeId(["http://b:2380", "http://a:2380"], "t");
        Assert.Equal(a, Member.ComputeId(["http://a:2380", "http://b:2380"], "t"));
        Assert.NotEqual(a, Member.ComputeId(["http://a:2380", "http://b:2380"], "other"));
    }

    [Fact]
    public void ComputeClusterId_IgnoresMemberOrder() =>
        Assert.Equal(Member.ComputeClusterId([1, 2, 3]), Member.ComputeClusterId([3, 1, 2]));
}
