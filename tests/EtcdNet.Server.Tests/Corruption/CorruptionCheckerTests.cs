using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Grpc;
using EtcdNet.Mvcc;
using EtcdNet.Server.Corruption;
using Microsoft.Extensions.Logging.Abstractions;

namespace EtcdNet.Server.Tests.Corruption;

public sealed class CorruptionCheckerTests
{
    private const ulong LocalId = 0xabc;

    private sealed class FixedPeers(params PeerHash[] answers) : IPeerHashSource
    {
        public List<long> Asked { get; } = [];

        public Task<IReadOnlyList<PeerHash>> FetchAsync(long revision, CancellationToken ct)
        {
            Asked.Add(revision);
            return Task.FromResult<IReadOnlyList<PeerHash>>(answers);
        }
    }

    private static PeerHash Peer(ulong id, uint hash, long revision, long compactRevision) =>
        new(id, [$"http://127.0.0.1:{id}"], new HashKVResponse
        {
            Header = new ResponseHeader { MemberId = id, Revision = revision },
            Hash = hash,
            CompactRevision = compactRevision,
        });

    private readonly List<AlarmRequest> _alarms = [];

    private CorruptionChecker Checker(KvHash local, IPeerHashSource peers) => new(LocalId, _ => local, peers, _ => Task.CompletedTask,
        (alarm, _) =>
        {
            _alarms.Add(alarm);
            return Task.CompletedTask;
        }, NullLogger.Instance);

    [Fact]
    public async Task Check_FollowerHashDiffersAtSameCompactRevision_RaisesCorruptForMemberZero()
    {
        var peers = new FixedPeers(Peer(2, 111, 10, 4), Peer(3, 999, 10, 4));
        Assert.True(await Checker(new KvHash(111, 10, 4), peers).CheckAsync(CancellationToken.None));
        Assert.Equal([10L], peers.Asked);
        var alarm = Assert.Single(_alarms);
        Assert.Equal(new AlarmRequest { MemberID = 0, Action = AlarmRequest.Types.AlarmAction.Activate, Alarm = AlarmType.Corrupt }, alarm);
    }

    [Fact]
    public async Task Check_FollowersAgreeOrAreBehindOrUnreachable_RaisesNothing()
    {
        var peers = new FixedPeers(Peer(2, 111, 10, 4), Peer(3, 555, 9, 2),
            new PeerHash(4, ["http://127.0.0.1:4"], null, new RpcException(StatusCode.Unavailable, "down")));
        Assert.False(await Checker(new KvHash(111, 10, 4), peers).CheckAsync(CancellationToken.None));
        Assert.Empty(_alarms);
    }

    [Theory]
    [InlineData(11L, 4L)]
    [InlineData(10L, 5L)]
    public async Task Check_FollowerAheadOfLeader_RaisesCorrupt(long followerRevision, long followerCompact)
    {
        var peers = new FixedPeers(Peer(2, 7, followerRevision, followerCompact));
        Assert.True(await Checker(new KvHash(111, 10, 4), peers).CheckAsync(CancellationToken.None));
        Assert.Single(_alarms);
    }

    [Fact]
    public async Task CheckInitial_PeerHashDiffers_RefusesWithEtcdsMessage()
    {
        var peers = new FixedPeers(Peer(2, 111, 20, 4), Peer(3, 222, 20, 4));
        var error = await Assert.ThrowsAsync<DataInconsistencyException>(
            () => Checker(new KvHash(111, 20, 4), peers).CheckInitialAsync(TimeSpan.FromSeconds(1), CancellationToken.None));
        Assert.Equal("abc found data inconsistency with peers", error.Message);
        Assert.Empty(_alarms);
    }

    [Fact]
    public async Task CheckInitial_DifferentCompactRevisionOrPeerErrors_Passes()
    {
        var peers = new FixedPeers(Peer(2, 222, 20, 6),
            new PeerHash(3, ["http://127.0.0.1:3"], null, new RpcException(StatusCode.OutOfRange, "etcdserver: mvcc: required revision is a future revision")));
        await Checker(new KvHash(111, 20, 4), peers).CheckInitialAsync(TimeSpan.FromSeconds(1), CancellationToken.None);
    }
}
