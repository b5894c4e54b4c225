using EtcdNet.Server.PeerTransport;
using EtcdNet.TestKit;
using Member = EtcdNet.Server.Membership.Member;

namespace EtcdNet.Server.Tests.PeerTransport;

public sealed class RemoteClusterTests
{
    [Fact]
    public async Task FetchAsync_FirstUrlDown_ReturnsClusterIdAndMembersFromTheNext()
    {
        Member[] members =
        [
            new(1, "infra1", ["http://127.0.0.1:12380"], ["http://127.0.0.1:2379"], false),
            new(4, "infra4", ["http://127.0.0.1:42380"], [], true),
        ];
        await using var a = await PeerMember.StartAsync(new RaftTransportOptions
        {
            LocalId = 1,
            ClusterId = 0xdeadbeef,
            CurrentMembers = () => members,
        });

        var cluster = await RemoteCluster.FetchAsync([$"http://127.0.0.1:{Ports.Free()}", a.Url], TimeSpan.FromSeconds(5));

        Assert.Equal(0xdeadbeefUL, cluster.ClusterId);
        Assert.Equal(members.Length, cluster.Members.Count);
        for (var i = 0; i < members.Length; i++)
        {
            Assert.Equal(members[i].Id, cluster.Members[i].Id);
            Assert.Equal(members[i].Name, cluster.Members[i].Name);
            Assert.Equal(members[i].PeerUrls, cluster.Members[i].PeerUrls);
            Assert.Equal(members[i].ClientUrls, cluster.Members[i].ClientUrls);
            Assert.Equal(members[i].IsLearner, cluster.Members[i].IsLearner);
        }
    }

    [Fact]
    public async Task FetchAsync_NoPeerAnswers_FailsWithEtcdMessage()
    {
        await using var a = await PeerMember.StartAsync(PeerMember.FastOptions(1)); // serves no member list

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            RemoteCluster.FetchAsync([$"http://127.0.0.1:{Ports.Free()}", a.Url], TimeSpan.FromSeconds(5)));

        Assert.Equal("could not retrieve cluster information from the given URLs", error.Message);
    }
}
