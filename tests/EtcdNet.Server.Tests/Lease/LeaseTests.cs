using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Grpc;
using EtcdNet.Server.Services;
using EtcdNet.Server.Tests.Hosting;
using EtcdNet.TestKit;
using Google.Protobuf;

namespace EtcdNet.Server.Tests.Lease;

/// <summary>Leases through the real gRPC layer, with a manual clock driving expiry.</summary>
public sealed class LeaseTests : IAsyncLifetime
{
    private readonly ManualTimeProvider _clock = new();
    private InProcessMember _member = null!;

    public async Task InitializeAsync() => _member = await InProcessMember.StartAsync(time: _clock);

    public async Task DisposeAsync() => await _member.DisposeAsync();

    private static ByteString B(string s) => ByteString.CopyFromUtf8(s);

    private Task<LeaseGrantResponse> Grant(long ttl, long id = 0) =>
        _member.CallAsync<LeaseGrantRequest, LeaseGrantResponse>("/etcdserverpb.Lease/LeaseGrant", new LeaseGrantRequest { TTL = ttl, ID = id });

    private Task<PutResponse> Put(string key, long lease) =>
        _member.CallAsync<PutRequest, PutResponse>("/etcdserverpb.KV/Put", new PutRequest { Key = B(key), Value = B("v"), Lease = lease });

    private async Task<RangeResponse> All() =>
        await _member.CallAsync<RangeRequest, RangeResponse>("/etcdserverpb.KV/Range", new RangeRequest { Key = B("\0"), RangeEnd = B("\0") });

    [Fact]
    public async Task Revoke_DeletesEveryAttachedKey_InOneRevision()
    {
        var lease = await Grant(100);
        await Put("a", lease.ID);
        await Put("b", lease.ID);
        await Put("c", 0);
        var before = (await All()).Header.Revision;

        var revoke = await _member.CallAsync<LeaseRevokeRequest, LeaseRevokeResponse>("/etcdserverpb.Lease/LeaseRevoke", new LeaseRevokeRequest { ID = lease.ID });
        Assert.Equal(before + 1, revoke.Header.Revision);
        var after = await All();
        Assert.Equal(["c"], after.Kvs.Select(kv => kv.Key.ToStringUtf8()));
    }

    [Fact]
    public async Task Grant_ChosenId_ExistingIdAndTooLargeTtl_FailAsEtcd()
    {
        var granted = await Grant(10, id: 42);
        Assert.Equal((42L, 10L), (granted.ID, granted.TTL));
        var exists = await Assert.ThrowsAsync<RpcException>(() => Grant(10, id: 42));
        Assert.Equal((StatusCode.FailedPrecondition, "etcdserver: lease already exists"), (exists.StatusCode, exists.Detail));
        var tooLarge = await Assert.ThrowsAsync<RpcException>(() => Grant(9_000_000_001));
        Assert.Equal((StatusCode.OutOfRange, "etcdserver: too large lease TTL"), (tooLarge.StatusCode, tooLarge.Detail));
        Assert.Equal(2, (await Grant(1)).TTL);
    }

    [Fact]
    public async Task Expiry_RevokesTheLeaseAndItsKeys_KeepAliveHoldsItOff()
    {
        var shortLease = await Grant(5);
        var kept = await Grant(5);
        await Put("short", shortLease.ID);
        await Put("kept", kept.ID);

        await using var keepAlive = _member.Channel.Duplex("/etcdserverpb.Lease/LeaseKeepAlive",
            ProtoMarshaller.For<LeaseKeepAliveRequest>(), ProtoMarshaller.For<LeaseKeepAliveResponse>());
        for (var i = 0; i < 3; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(2));
            await keepAlive.WriteAsync(new LeaseKeepAliveRequest { ID = kept.ID });
            Assert.True(await keepAlive.Responses.MoveNextAsync());
            Assert.Equal((kept.ID, 5L), (keepAlive.Responses.Current.ID, keepAlive.Responses.Current.TTL));
        }

        await Eventually.TrueAsync(async () => (await All()).Kvs.All(kv => kv.Key.ToStringUtf8() != "short"),
            TimeSpan.FromSeconds(10), "the expired lease's key to be deleted");
        Assert.Equal(["kept"], (await All()).Kvs.Select(kv => kv.Key.ToStringUtf8()));

        var ttl = await _member.CallAsync<LeaseTimeToLiveRequest, LeaseTimeToLiveResponse>("/etcdserverpb.Lease/LeaseTimeToLive", new LeaseTimeToLiveRequest { ID = shortLease.ID });
        Assert.Equal(-1, ttl.TTL);
        await keepAlive.WriteAsync(new LeaseKeepAliveRequest { ID = shortLease.ID });
        Assert.True(await keepAlive.Responses.MoveNextAsync());
        Assert.Equal(0, keepAlive.Responses.Current.TTL);
    }

    [Fact]
    public async Task TimeToLive_WithKeys_AndLeases_ListEveryLease()
    {
        var lease = await Grant(60);
        await Put("k2", lease.ID);
        await Put("k1", lease.ID);
        _clock.Advance(TimeSpan.FromSeconds(10.5));
        var ttl = await _member.CallAsync<LeaseTimeToLiveRequest, LeaseTimeToLiveResponse>("/etcdserverpb.Lease/LeaseTimeToLive", new LeaseTimeToLiveRequest { ID = lease.ID, Keys = true });
        Assert.Equal((60L, 49L), (ttl.GrantedTTL, ttl.TTL));
        Assert.Equal(["k1", "k2"], ttl.Keys.Select(k => k.ToStringUtf8()));
        var second = await Grant(60);
        var leases = await _member.CallAsync<LeaseLeasesRequest, LeaseLeasesResponse>("/etcdserverpb.Lease/LeaseLeases", new LeaseLeasesRequest());
        Assert.Equal(new[] { lease.ID, second.ID }.Order(), leases.Leases.Select(l => l.ID));
    }

    [Fact]
    public async Task PutWithUnknownLease_Fails_AndReputWithoutLeaseDetaches()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Put("x", 777));
        Assert.Equal((StatusCode.NotFound, "etcdserver: requested lease not found"), (error.StatusCode, error.Detail));
        var lease = await Grant(60);
        await Put("x", lease.ID);
        await Put("x", 0);
        await _member.CallAsync<LeaseRevokeRequest, LeaseRevokeResponse>("/etcdserverpb.Lease/LeaseRevoke", new LeaseRevokeRequest { ID = lease.ID });
        var kv = Assert.Single((await All()).Kvs);
        Assert.Equal(("x", 0L), (kv.Key.ToStringUtf8(), kv.Lease));
    }
}
