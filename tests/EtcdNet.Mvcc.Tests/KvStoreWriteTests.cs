using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Api.Mvccpb;
using static EtcdNet.Mvcc.Tests.StoreFixture;

namespace EtcdNet.Mvcc.Tests;

public sealed class KvStoreWriteTests : IDisposable
{
    private readonly FakeLeases _leases = new();
    private readonly StoreFixture _f;

    public KvStoreWriteTests()
    {
        _leases.Existing.UnionWith([1, 2]);
        _f = new StoreFixture(new KvStoreOptions { Leases = _leases });
    }

    public void Dispose() => _f.Dispose();

    [Fact]
    public void Put_EachWrite_BumpsRevisionAndVersion()
    {
        Assert.Equal(2, _f.Put("k", "a"));
        Assert.Equal(3, _f.Put("k", "b"));
        KeyValue kv = _f.One("k")!;
        Assert.Equal((2L, 3L, 2L), (kv.CreateRevision, kv.ModRevision, kv.Version));
    }

    [Fact]
    public void Put_AfterDelete_VersionRestartsAndCreateMoves()
    {
        _f.Put("k", "a");
        _f.Put("k", "b");
        DeleteRangeResponse d = _f.Delete("k");
        Assert.Equal(1, d.Deleted);
        Assert.Equal(4, d.Header.Revision);
        _f.Put("k", "c");
        KeyValue kv = _f.One("k")!;
        Assert.Equal((5L, 5L, 1L), (kv.CreateRevision, kv.ModRevision, kv.Version));
    }

    [Fact]
    public void Put_PrevKv_ReturnsPreviousValue()
    {
        PutResponse first = _f.Store.Put(new PutRequest { Key = B("k"), Value = B("a"), PrevKv = true });
        Assert.Null(first.PrevKv);
        PutResponse second = _f.Store.Put(new PutRequest { Key = B("k"), Value = B("b"), PrevKv = true });
        Assert.Equal("a", S(second.PrevKv.Value));
        Assert.Equal(2, second.PrevKv.ModRevision);
    }

    [Fact]
    public void Put_IgnoreValueAndIgnoreLease_KeepExistingOnes()
    {
        _f.Put("k", "orig", lease: 1);
        _f.Store.Put(new PutRequest { Key = B("k"), IgnoreValue = true, Lease = 2 });
        KeyValue kv = _f.One("k")!;
        Assert.Equal(("orig", 2L, 2L), (S(kv.Value), kv.Lease, kv.Version));
        _f.Store.Put(new PutRequest { Key = B("k"), Value = B("new"), IgnoreLease = true });
        kv = _f.One("k")!;
        Assert.Equal(("new", 2L), (S(kv.Value), kv.Lease));
    }

    [Fact]
    public void Put_IgnoreValueOnMissingKey_ThrowsAndKeepsRevision()
    {
        Assert.Throws<MissingKeyException>(() => _f.Store.Put(new PutRequest { Key = B("k"), IgnoreValue = true }));
        Assert.Throws<MissingKeyException>(() => _f.Store.Put(new PutRequest { Key = B("k"), IgnoreLease = true }));
        Assert.Equal(1, _f.Store.CurrentRevision);
        Assert.Equal("etcdserver: key not found", new MissingKeyException().Message);
    }

    [Fact]
    public void Put_UnknownLease_Throws()
    {
        LeaseNotFoundException e = Assert.Throws<LeaseNotFoundException>(() => _f.Put("k", "v", lease: 5));
        Assert.Equal(5, e.LeaseId);
        Assert.Equal(1, _f.Store.CurrentRevision);
    }

    [Fact]
    public void Put_WithLeaseButNoLeaseChecker_Throws()
    {
        using var bare = new StoreFixture();
        Assert.Throws<LeaseNotFoundException>(() => bare.Put("k", "v", lease: 1));
        Assert.Equal(2, bare.Put("k", "v"));
    }

    [Fact]
    public void Leases_PutOverwriteDelete_AttachAndDetach()
    {
        _f.Put("k", "a", lease: 1);
        _f.Put("k", "b", lease: 2);
        _f.Put("k", "c");
        _f.Put("k", "d", lease: 1);
        _f.Delete("k");
        Assert.Equal(["attach 1 k", "detach 1 k", "attach 2 k", "detach 2 k", "attach 1 k", "detach 1 k"], _leases.Log);
    }

    [Fact]
    public void DeleteRange_Nothing_KeepsRevision()
    {
        _f.Put("a", "1");
        DeleteRangeResponse d = _f.Delete("b", "c");
        Assert.Equal(0, d.Deleted);
        Assert.Equal(2, d.Header.Revision);
        Assert.Equal(2, _f.Store.CurrentRevision);
    }

    [Fact]
    public void DeleteRange_PrefixWithPrevKv_DeletesAllInOneRevision()
    {
        _f.Put("a1", "1");
        _f.Put("a2", "2");
        _f.Put("b", "3");
        DeleteRangeResponse d = _f.Store.DeleteRange(new DeleteRangeRequest { Key = B("a"), RangeEnd = B("b"), PrevKv = true });
        Assert.Equal(2, d.Deleted);
        Assert.Equal(["1", "2"], d.PrevKvs.Select(kv => S(kv.Value)));
        Assert.Equal(5, d.Header.Revision);
        Assert.Equal(["b"], Keys(_f.Get("a", "\0")));
        Assert.Equal(2, _f.Get("a", "b", rev: 4).Count);
    }

    [Fact]
    public void DeleteRange_FromKey_DeletesEverythingAbove()
    {
        _f.Put("a", "1");
        _f.Put("b", "2");
        _f.Put("c", "3");
        Assert.Equal(2, _f.Delete("b", "\0").Deleted);
        Assert.Equal(["a"], Keys(_f.Get("a", "\0")));
    }
}
