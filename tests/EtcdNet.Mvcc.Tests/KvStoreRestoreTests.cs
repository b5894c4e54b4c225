using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Api.Mvccpb;
using static EtcdNet.Mvcc.Tests.StoreFixture;

namespace EtcdNet.Mvcc.Tests;

public sealed class KvStoreRestoreTests : IDisposable
{
    private readonly FakeLeases _leases = new();
    private readonly StoreFixture _f;

    public KvStoreRestoreTests()
    {
        _leases.Existing.Add(3);
        _f = new StoreFixture(new KvStoreOptions { Leases = _leases });
    }

    public void Dispose() => _f.Dispose();

    private static string Dump(RangeResponse r) =>
        string.Join(";", r.Kvs.Select(kv => $"{S(kv.Key)}={S(kv.Value)}/c{kv.CreateRevision}/m{kv.ModRevision}/v{kv.Version}/l{kv.Lease}"));

    [Fact]
    public async Task Reopen_RebuildsIndex_SameRevisionsVersionsValues()
    {
        _f.Put("a", "1");
        _f.Put("a", "2");
        _f.Put("b", "1", lease: 3);
        _f.Delete("a");
        _f.Put("a", "3");
        _f.Put("c", "1");
        _f.Put("c", "2");
        await _f.Store.Compact(7);
        _f.Put("c", "3");
        _f.Store.SetConsistentIndex(42);

        string now = Dump(_f.Get("a", "\0"));
        string then = Dump(_f.Get("a", "\0", rev: 7));
        long rev = _f.Store.CurrentRevision;
        _leases.Log.Clear();

        _f.Reopen();

        Assert.Equal(rev, _f.Store.CurrentRevision);
        Assert.Equal(7, _f.Store.CompactRevision);
        Assert.Equal(42UL, _f.Store.ConsistentIndex);
        Assert.Equal(now, Dump(_f.Get("a", "\0")));
        Assert.Equal(then, Dump(_f.Get("a", "\0", rev: 7)));
        Assert.Equal(["attach 3 b"], _leases.Log);

        // The restored index keeps counting versions from the stored value.
        _f.Put("c", "4");
        KeyValue c = _f.One("c")!;
        Assert.Equal((4L, 7L), (c.Version, c.CreateRevision));
    }

    [Fact]
    public void Reopen_DeletedKeyStaysDeleted_AndRevisionNeverGoesBack()
    {
        _f.Put("a", "1");
        _f.Delete("a");
        _f.Reopen();
        Assert.Equal(3, _f.Store.CurrentRevision);
        Assert.Null(_f.One("a"));
        Assert.Equal(4, _f.Put("a", "2"));
        Assert.Equal(1, _f.One("a")!.Version);
    }

    [Fact]
    public void Reopen_EmptyStore_StartsAtRevisionOne()
    {
        _f.Reopen();
        Assert.Equal(1, _f.Store.CurrentRevision);
        Assert.Equal(0UL, _f.Store.ConsistentIndex);
    }

    [Fact]
    public void ConsistentIndex_PersistsOnlyWithCommit()
    {
        _f.Store.SetConsistentIndex(5);
        _f.Put("a", "1");
        _f.Store.SetConsistentIndex(6);
        _f.Store.Commit();
        _f.Reopen();
        Assert.Equal(6UL, _f.Store.ConsistentIndex);
    }
}
