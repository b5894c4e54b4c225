using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Grpc;
using EtcdNet.Server.Errors;
using EtcdNet.Server.Services;
using EtcdNet.Server.Tests.Auth;

namespace EtcdNet.Server.Tests.Corruption;

/// <summary>The peer listener answers HashKV for the corruption checks, which must work when auth is on.</summary>
public sealed class PeerHashKVTests
{
    private static async Task<HashKVResponse> PeerHashKVAsync(AuthMember member, long revision)
    {
        using var channel = new GrpcChannel(new Uri(member.Server.Options.ListenPeerUrls[0]));
        return await channel.UnaryAsync("/etcdnet.rafthttp.Peer/HashKV", new HashKVRequest { Revision = revision },
            ProtoMarshaller.For<HashKVRequest>(), ProtoMarshaller.For<HashKVResponse>(), timeout: TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task PeerHashKV_AuthEnabled_AnswersWithoutLoginAsTheClientApiDoesForRoot()
    {
        await using var member = await AuthMember.StartAsync();
        await member.CallAsync<PutRequest, PutResponse>("/etcdserverpb.KV/Put", new PutRequest { Key = AuthMember.B("a"), Value = AuthMember.B("1") }, member.RootToken);

        var anonymous = await Assert.ThrowsAsync<RpcException>(() =>
            member.CallAsync<HashKVRequest, HashKVResponse>("/etcdserverpb.Maintenance/HashKV", new HashKVRequest(), token: null));
        var asRoot = await member.CallAsync<HashKVRequest, HashKVResponse>("/etcdserverpb.Maintenance/HashKV", new HashKVRequest(), member.RootToken);
        var fromPeer = await PeerHashKVAsync(member, 0);

        Assert.Equal(EtcdErrors.UserEmpty.Message, anonymous.Detail);
        Assert.Equal(asRoot.Hash, fromPeer.Hash);
        Assert.Equal(asRoot.Header.Revision, fromPeer.Header.Revision);
        Assert.Equal(member.Server.MemberId, fromPeer.Header.MemberId);
    }

    [Fact]
    public async Task PeerHashKV_FutureRevision_CarriesEtcdsError()
    {
        await using var member = await AuthMember.StartAsync();

        var e = await Assert.ThrowsAsync<RpcException>(() => PeerHashKVAsync(member, 1_000_000));

        Assert.Equal(EtcdErrors.FutureRev.Message, e.Detail);
    }
}
