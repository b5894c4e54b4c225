using System.Text;
using EtcdNet.Storage;
using EtcdNet.Storage.Schema;

namespace EtcdNet.Mvcc.Tests;

public sealed class KvStoreHashTests : IDisposable
{
    private readonly StoreFixture _a = new();
    private readonly StoreFixture _b = new();

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
    }

    private static void Seed(StoreFixture f)
    {
        for (int i = 1; i <= 5; i++)
        {
            f.Put("k", "v" + i);
        }
        f.Put("j", "x");
        f.Delete("j");
        f.Put("m", "y");
    }

    [Fact]
    public void HashByRevision_SameHistory_EqualOnTwoStores()
    {
        Seed(_a);
        Seed(_b);
        Assert.Equal(_a.Store.HashByRevision(0), _b.Store.HashByRevision(0));
    }

    [Fact]
    public void HashByRevision_DifferentValue_Differs()
    {
        Seed(_a);
        Seed(_b);
        _a.Put("z", "1");
        _b.Put("z", "2");
        Assert.NotEqual(_a.Store.HashByRevision(0).Hash, _b.Store.HashByRevision(0).Hash);
    }

    [Fact]
    public void HashByRevision_MatchesCrcOverKeyBucketRows()
    {
        Seed(_a);
        uint expected = Crc32C.Update(0, Encoding.UTF8.GetBytes("key"));
        using (ReadTx tx = _a.Backend.ConcurrentReadTx())
        {
            tx.UnsafeForEach(Buckets.Key, (k, v) =>
            {
                expected = Crc32C.Update(Crc32C.Update(expected, k), v);
                return true;
            });
        }
        KvHash hash = _a.Store.HashByRevision(0);
        Assert.Equal(expected, hash.Hash);
        Assert.Equal(9, hash.Revision);
        Assert.Equal(-1, hash.CompactRevision);
    }

    [Fact]
    public void HashByRevision_OlderRevision_IgnoresLaterWrites()
    {
        Seed(_a);
        uint atNine = _a.Store.HashByRevision(9).Hash;
        _a.Put("later", "x");
        KvHash again = _a.Store.HashByRevision(9);
        Assert.Equal(atNine, again.Hash);
        Assert.Equal(10, again.Revision);
    }

    [Fact]
    public async Task HashByRevision_AfterCompaction_EqualOnTwoStoresAndReportsCompactRevision()
    {
        Seed(_a);
        Seed(_b);
        await _a.Store.Compact(5);
        await _b.Store.Compact(5);
        KvHash a = _a.Store.HashByRevision(0);
        Assert.Equal(a, _b.Store.HashByRevision(0));
        Assert.Equal(5, a.CompactRevision);
    }

    [Fact]
    public async Task HashByRevision_CompactedOrFutureRevision_Throws()
    {
        Seed(_a);
        await _a.Store.Compact(5);
        Assert.Throws<CompactedException>(() => _a.Store.HashByRevision(5));
        Assert.Throws<FutureRevisionException>(() => _a.Store.HashByRevision(10));
    }

    [Fact]
    public void HashAll_DifferentConsistentIndex_StillEqual()
    {
        Seed(_a);
        Seed(_b);
        _a.Store.SetConsistentIndex(7);
        _b.Store.SetConsistentIndex(9);
        _a.Store.Commit();
        _b.Store.Commit();
        Assert.Equal(_a.Store.HashAll().Hash, _b.Store.HashAll().Hash);
        _b.Put("extra", "1");
        Assert.NotEqual(_a.Store.HashAll().Hash, _b.Store.HashAll().Hash);
    }
}
