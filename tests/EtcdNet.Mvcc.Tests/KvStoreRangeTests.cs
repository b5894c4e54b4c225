using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Api.Mvccpb;
using static EtcdNet.Mvcc.Tests.StoreFixture;
using SortOrder = EtcdNet.Api.Etcdserverpb.RangeRequest.Types.SortOrder;
using SortTarget = EtcdNet.Api.Etcdserverpb.RangeRequest.Types.SortTarget;

namespace EtcdNet.Mvcc.Tests;

public sealed class KvStoreRangeTests : IDisposable
{
    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    /// <summary>a..e with distinct versions, create and mod revisions, values in reverse key order.</summary>
    private void Seed()
    {
        _f.Put("c", "3");   // rev 2
        _f.Put("a", "5");   // rev 3
        _f.Put("e", "1");   // rev 4
        _f.Put("b", "4");   // rev 5
        _f.Put("d", "2");   // rev 6
        _f.Put("a", "5");   // rev 7: a version 2
        _f.Put("a", "5");   // rev 8: a version 3
        _f.Put("d", "2");   // rev 9: d version 2
    }

    private RangeResponse Range(Action<RangeRequest> shape)
    {
        var r = new RangeRequest { Key = B("a"), RangeEnd = B("\0") };
        shape(r);
        return _f.Store.Range(r);
    }

    [Fact]
    public void Range_EmptyStore_HeaderRevisionIsOne()
    {
        RangeResponse r = _f.Get("a", "\0");
        Assert.Equal(1, r.Header.Revision);
        Assert.Empty(r.Kvs);
        Assert.Equal(0, r.Count);
        Assert.False(r.More);
    }

    [Fact]
    public void Range_SingleKey_ReturnsKeyValueFields()
    {
        Seed();
        KeyValue kv = _f.One("a")!;
        Assert.Equal("5", S(kv.Value));
        Assert.Equal(3, kv.CreateRevision);
        Assert.Equal(8, kv.ModRevision);
        Assert.Equal(3, kv.Version);
        Assert.Equal(9, _f.Get("a").Header.Revision);
    }

    [Fact]
    public void Range_FromKeyAndPrefixEnd_ReturnKeysInOrder()
    {
        Seed();
        Assert.Equal(["a", "b", "c", "d", "e"], Keys(_f.Get("a", "\0")));
        Assert.Equal(["c", "d", "e"], Keys(_f.Get("c", "\0")));
        Assert.Equal(["b", "c"], Keys(_f.Get("b", "d")));
        Assert.Empty(Keys(_f.Get("d", "b")));
        Assert.Empty(Keys(_f.Get("zz")));
    }

    [Fact]
    public void Range_WithLimit_ReturnsMoreFlagAndFullCount()
    {
        Seed();
        RangeResponse r = Range(r => r.Limit = 2);
        Assert.Equal(["a", "b"], Keys(r));
        Assert.True(r.More);
        Assert.Equal(5, r.Count);

        RangeResponse exact = Range(r => r.Limit = 5);
        Assert.False(exact.More);
        Assert.Equal(5, exact.Kvs.Count);
    }

    [Fact]
    public void Range_CountOnly_ReturnsCountWithoutKvs()
    {
        Seed();
        RangeResponse r = Range(r => { r.CountOnly = true; r.Limit = 1; });
        Assert.Empty(r.Kvs);
        Assert.Equal(5, r.Count);
        Assert.False(r.More);
    }

    [Fact]
    public void Range_KeysOnly_DropsValues()
    {
        Seed();
        RangeResponse r = Range(r => r.KeysOnly = true);
        Assert.All(r.Kvs, kv => Assert.True(kv.Value.IsEmpty));
        Assert.Equal(3, r.Kvs[0].Version);
    }

    [Theory]
    [InlineData(SortTarget.Key, SortOrder.Descend, "edcba")]
    [InlineData(SortTarget.Key, SortOrder.Ascend, "abcde")]
    [InlineData(SortTarget.Key, SortOrder.None, "abcde")]
    [InlineData(SortTarget.Value, SortOrder.Ascend, "edcba")]
    [InlineData(SortTarget.Value, SortOrder.None, "edcba")]
    [InlineData(SortTarget.Value, SortOrder.Descend, "abcde")]
    [InlineData(SortTarget.Create, SortOrder.Ascend, "caebd")]
    [InlineData(SortTarget.Create, SortOrder.Descend, "dbeac")]
    [InlineData(SortTarget.Mod, SortOrder.Ascend, "cebad")]
    [InlineData(SortTarget.Mod, SortOrder.Descend, "dabec")]
    [InlineData(SortTarget.Version, SortOrder.Ascend, "bceda")]
    [InlineData(SortTarget.Version, SortOrder.Descend, "adbce")]
    public void Range_Sort_OrdersByTargetWithTiesInKeyOrder(SortTarget target, SortOrder order, string expected)
    {
        Seed();
        RangeResponse r = Range(r => { r.SortTarget = target; r.SortOrder = order; });
        Assert.Equal(expected, string.Concat(Keys(r)));
    }

    [Fact]
    public void Range_SortWithLimit_LimitsAfterSorting()
    {
        Seed();
        RangeResponse r = Range(r => { r.SortTarget = SortTarget.Key; r.SortOrder = SortOrder.Descend; r.Limit = 2; });
        Assert.Equal(["e", "d"], Keys(r));
        Assert.True(r.More);
        Assert.Equal(5, r.Count);
    }

    [Fact]
    public void Range_NonKeyTargetWithoutOrder_LimitsBeforeSorting()
    {
        // etcd quirk: the limit is applied in the store (key order) when sort_order is NONE, then sorted ascending.
        Seed();
        RangeResponse r = Range(r => { r.SortTarget = SortTarget.Value; r.Limit = 2; });
        Assert.Equal(["c", "b"], Keys(r));
        Assert.True(r.More);
    }

    [Fact]
    public void Range_ModAndCreateFilters_PruneAfterCount()
    {
        Seed();
        RangeResponse mod = Range(r => { r.MinModRevision = 5; r.MaxModRevision = 8; });
        Assert.Equal(["a", "b"], Keys(mod));
        Assert.Equal(5, mod.Count);
        RangeResponse created = Range(r => { r.MinCreateRevision = 3; r.MaxCreateRevision = 4; r.Limit = 1; });
        Assert.Equal(["a"], Keys(created));
        Assert.True(created.More);
    }

    [Fact]
    public void Range_HistoricRevision_ReturnsStateThen()
    {
        Seed();
        _f.Delete("c");   // rev 10
        Assert.Equal(["a", "c", "e"], Keys(_f.Get("a", "\0", rev: 4)));
        KeyValue a = _f.One("a", rev: 7)!;
        Assert.Equal(2, a.Version);
        Assert.Equal(7, a.ModRevision);
        Assert.Equal(10, _f.Get("a", "\0", rev: 4).Header.Revision);
        Assert.Null(_f.One("c", rev: 10));
        Assert.Equal("3", S(_f.One("c", rev: 9)!.Value));
    }

    [Fact]
    public void Range_FutureRevision_Throws()
    {
        Seed();
        Assert.Throws<FutureRevisionException>(() => _f.Get("a", rev: 10));
    }

    [Fact]
    public void Range_ManyKeys_ScanPathMatchesPointPath()
    {
        for (int i = 0; i < 50; i++)
        {
            _f.Put($"k{i:D3}", $"v{i}");
        }
        RangeResponse all = _f.Get("k", "l");
        Assert.Equal(50, all.Kvs.Count);
        for (int i = 0; i < 50; i++)
        {
            Assert.Equal($"v{i}", S(all.Kvs[i].Value));
        }
        // Sparse revisions: overwrite a few keys much later so the point-lookup path is taken.
        for (int i = 0; i < 200; i++)
        {
            _f.Put("z", i.ToString());
        }
        _f.Put("k000", "late");
        RangeResponse sparse = _f.Get("k000", "k010");
        Assert.Equal("late", S(sparse.Kvs[0].Value));
        Assert.Equal("v9", S(sparse.Kvs[9].Value));
    }
}
