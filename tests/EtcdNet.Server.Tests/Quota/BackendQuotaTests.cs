using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Server.Quota;
using Google.Protobuf;

namespace EtcdNet.Server.Tests.Quota;

public sealed class BackendQuotaTests
{
    private static PutRequest PutOf(int keyBytes, int valueBytes) => new()
    {
        Key = ByteString.CopyFrom(new byte[keyBytes]),
        Value = ByteString.CopyFrom(new byte[valueBytes]),
    };

    [Fact]
    public void Cost_Put_IsKvOverheadPlusKeyAndValue() => Assert.Equal(256 + 3 + 100, BackendQuota.Cost(PutOf(3, 100)));

    [Fact]
    public void Cost_Txn_IsTheCostlierBranchOfPuts()
    {
        var txn = new TxnRequest();
        txn.Success.Add(new RequestOp { RequestPut = PutOf(1, 10) });
        txn.Success.Add(new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = ByteString.CopyFromUtf8("x") } });
        txn.Failure.Add(new RequestOp { RequestPut = PutOf(1, 1) });
        txn.Failure.Add(new RequestOp { RequestPut = PutOf(1, 1) });
        Assert.Equal(2 * (256 + 2), BackendQuota.Cost(txn));
    }

    [Fact]
    public void Cost_LeaseGrantAndDeletes_AreEtcdsEstimates()
    {
        Assert.Equal(64, BackendQuota.Cost(new InternalRaftRequest { LeaseGrant = new LeaseGrantRequest { TTL = 5 } }));
        Assert.Equal(0, BackendQuota.Cost(new InternalRaftRequest { DeleteRange = new DeleteRangeRequest() }));
        Assert.Equal(0, BackendQuota.Cost(new InternalRaftRequest { Compaction = new CompactionRequest() }));
    }

    [Fact]
    public void Bytes_Zero_IsTwoGibDefault()
    {
        var quota = new BackendQuota(0, () => 0);
        Assert.True(quota.Enabled);
        Assert.Equal(2L * 1024 * 1024 * 1024, quota.Bytes);
    }

    [Fact]
    public void Available_Negative_DisablesTheQuota()
    {
        var quota = new BackendQuota(-1, () => long.MaxValue / 2);
        Assert.False(quota.Enabled);
        Assert.True(quota.Available(1_000_000));
        Assert.Equal(1, quota.Remaining);
    }

    [Fact]
    public void Available_SizePlusCostMustStayBelowTheQuota()
    {
        long size = 1000;
        var quota = new BackendQuota(1360, () => size);
        Assert.True(quota.Available(359));
        Assert.False(quota.Available(360));
        Assert.True(quota.Available(0));
        Assert.Equal(360, quota.Remaining);
        size = 2000;
        Assert.False(quota.Available(new InternalRaftRequest { Put = PutOf(1, 1) }));
        Assert.True(quota.Available(new InternalRaftRequest { DeleteRange = new DeleteRangeRequest() }));
    }

    [Theory]
    [InlineData(5L, "5 B")]
    [InlineData(1000L, "1.0 kB")]
    [InlineData(123_400L, "123 kB")]
    [InlineData(122_500L, "122 kB")]
    [InlineData(2L * 1024 * 1024 * 1024, "2.1 GB")]
    [InlineData(8L * 1024 * 1024 * 1024, "8.6 GB")]
    public void HumanBytes_AsGoHumanizePrintsThem(long bytes, string expected) => Assert.Equal(expected, BackendQuota.HumanBytes(bytes));
}
