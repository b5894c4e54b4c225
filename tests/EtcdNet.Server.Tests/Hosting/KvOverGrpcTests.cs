using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Grpc;
using Google.Protobuf;

namespace EtcdNet.Server.Tests.Hosting;

/// <summary>The KV service through the real gRPC layer: headers, error codes and strings, limits.</summary>
public sealed class KvOverGrpcTests : IAsyncLifetime
{
    private InProcessMember _member = null!;

    public async Task InitializeAsync() => _member = await InProcessMember.StartAsync(o => o with { MaxTxnOps = 4, MaxRequestBytes = 4096 });

    public async Task DisposeAsync() => await _member.DisposeAsync();

    private static ByteString B(string s) => ByteString.CopyFromUtf8(s);

    private Task<PutResponse> Put(string key, string value) =>
        _member.CallAsync<PutRequest, PutResponse>("/etcdserverpb.KV/Put", new PutRequest { Key = B(key), Value = B(value) });

    private Task<RangeResponse> Get(RangeRequest request) =>
        _member.CallAsync<RangeRequest, RangeResponse>("/etcdserverpb.KV/Range", request);

    [Fact]
    public async Task Put_ThenRange_HeaderCarriesIdsRevisionAndTerm()
    {
        var put = await Put("a", "1");
        Assert.Equal(2, put.Header.Revision);
        Assert.Equal(_member.Host.Server.ClusterId, put.Header.ClusterId);
        Assert.Equal(_member.Host.Server.MemberId, put.Header.MemberId);
        Assert.NotEqual(0UL, put.Header.RaftTerm);

        var got = await Get(new RangeRequest { Key = B("a") });
        Assert.Equal(2, got.Header.Revision);
        Assert.Equal("1", Assert.Single(got.Kvs).Value.ToStringUtf8());
    }

    [Fact]
    public async Task ConcurrentPuts_EachGetsItsOwnRevision()
    {
        var puts = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Put($"k{i}", "v")));
        var revisions = puts.Select(p => p.Header.Revision).Order().ToArray();
        Assert.Equal(Enumerable.Range(2, 64).Select(i => (long)i), revisions);
        var count = await Get(new RangeRequest { Key = B("k"), RangeEnd = B("l"), CountOnly = true });
        Assert.Equal(64, count.Count);
    }

    [Theory]
    [InlineData("empty-key", StatusCode.InvalidArgument, "etcdserver: key is not provided")]
    [InlineData("future", StatusCode.OutOfRange, "etcdserver: mvcc: required revision is a future revision")]
    [InlineData("too-many-ops", StatusCode.InvalidArgument, "etcdserver: too many operations in txn request")]
    [InlineData("too-large", StatusCode.InvalidArgument, "etcdserver: request is too large")]
    [InlineData("unknown-lease", StatusCode.NotFound, "etcdserver: requested lease not found")]
    [InlineData("ignore-missing", StatusCode.InvalidArgument, "etcdserver: key not found")]
    public async Task BadRequest_GetsEtcdsStatus_AndChangesNothing(string kind, StatusCode code, string message)
    {
        await Put("x", "1");
        Task call = kind switch
        {
            "empty-key" => Put("", "v"),
            "future" => Get(new RangeRequest { Key = B("x"), Revision = 100 }),
            "too-many-ops" => _member.CallAsync<TxnRequest, TxnResponse>("/etcdserverpb.KV/Txn", TxnOfPuts(5)),
            "too-large" => Put("big", new string('v', 5000)),
            "unknown-lease" => _member.CallAsync<PutRequest, PutResponse>("/etcdserverpb.KV/Put", new PutRequest { Key = B("x"), Value = B("2"), Lease = 7 }),
            "ignore-missing" => _member.CallAsync<PutRequest, PutResponse>("/etcdserverpb.KV/Put", new PutRequest { Key = B("nope"), IgnoreValue = true }),
            _ => throw new ArgumentException(kind),
        };
        var error = await Assert.ThrowsAsync<RpcException>(() => call);
        Assert.Equal(code, error.StatusCode);
        Assert.Equal(message, error.Detail);

        var after = await Get(new RangeRequest { Key = B("\0"), RangeEnd = B("\0") });
        Assert.Equal(2, after.Header.Revision);
        Assert.Equal("1", Assert.Single(after.Kvs).Value.ToStringUtf8());
    }

    [Fact]
    public async Task Restart_KeepsDataAndRevision()
    {
        using var dir = new TestKit.TempDir();
        var first = await InProcessMember.StartAsync(dir: dir);
        await first.CallAsync<PutRequest, PutResponse>("/etcdserverpb.KV/Put", new PutRequest { Key = B("k"), Value = B("v1") });
        await first.CallAsync<PutRequest, PutResponse>("/etcdserverpb.KV/Put", new PutRequest { Key = B("k"), Value = B("v2") });
        await first.StopAsync();

        var second = await InProcessMember.StartAsync(dir: dir);
        try
        {
            var got = await second.CallAsync<RangeRequest, RangeResponse>("/etcdserverpb.KV/Range", new RangeRequest { Key = B("k") });
            var kv = Assert.Single(got.Kvs);
            Assert.Equal(("v2", 2L, 3L, 2L), (kv.Value.ToStringUtf8(), kv.CreateRevision, kv.ModRevision, kv.Version));
            Assert.Equal(3, got.Header.Revision);
            Assert.True(second.Host.Server.AppliedIndex >= second.Host.Server.CommittedIndex - 1, "a linearizable read waited for the log to be applied");
        }
        finally
        {
            await second.StopAsync();
        }
    }

    private static TxnRequest TxnOfPuts(int n)
    {
        var txn = new TxnRequest();
        for (var i = 0; i < n; i++) txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = B($"t{i}"), Value = B("v") } });
        return txn;
    }
}
