using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Storage;
using EtcdNet.Storage.Schema;
using static EtcdNet.Mvcc.Tests.StoreFixture;

namespace EtcdNet.Mvcc.Tests;

public sealed class KvStoreCompactionTests : IDisposable
{
    private readonly StoreFixture _f = new(new KvStoreOptions { CompactionBatchLimit = 3 });

    public void Dispose() => _f.Dispose();

    /// <summary>k = v1..v5 at revisions 2..6, j put at 7 and deleted at 8, m put at 9.</summary>
    private void Seed()
    {
        for (int i = 1; i <= 5; i++)
        {
            _f.Put("k", "v" + i);
        }
        _f.Put("j", "x");
        _f.Delete("j");
        _f.Put("m", "y");
    }

    private List<(long Main, bool Tombstone)> BackendRevisions()
    {
        using ReadTx tx = _f.Backend.ConcurrentReadTx();
        var revs = new List<(long, bool)>();
        tx.UnsafeForEach(Buckets.Key, (k, _) =>
        {
            revs.Add((RevisionKey.Decode(k).Main, RevisionKey.IsTombstone(k)));
            return true;
        });
        return revs;
    }

    [Fact]
    public async Task Compact_KeepsLatestVersionAtOrBelowRevision()
    {
        Seed();
        await _f.Store.Compact(5);
        Assert.Equal(5, _f.Store.CompactRevision);
        Assert.Equal([(5L, false), (6L, false), (7L, false), (8L, true), (9L, false)], BackendRevisions());
        Assert.Equal("v4", S(_f.One("k", rev: 5)!.Value));
        Assert.Equal("v5", S(_f.One("k")!.Value));
        Assert.Equal(5, _f.One("k")!.Version);
        Assert.Throws<CompactedException>(() => _f.Get("k", rev: 4));
        Assert.Equal(1, _f.Get("j", rev: 7).Count);
    }

    [Fact]
    public async Task Compact_PastTombstone_RemovesDeletedKeyWholly()
    {
        Seed();
        await _f.Store.Compact(8);
        Assert.Equal([(6L, false), (9L, false)], BackendRevisions());
        Assert.Null(_f.Store.Index.Find(B("j").Memory));
        Assert.Equal(2, _f.Store.Index.Count);
        Assert.Equal(0, _f.Get("j", rev: 8).Count);
    }

    [Fact]
    public async Task Compact_Validation_ThrowsSynchronously()
    {
        Seed();
        Assert.Throws<FutureRevisionException>(() => { _ = _f.Store.Compact(10); });
        await _f.Store.Compact(4);
        Assert.Throws<CompactedException>(() => { _ = _f.Store.Compact(4); });
        Assert.Throws<CompactedException>(() => { _ = _f.Store.Compact(3); });
        await _f.Store.Compact(9);
        Assert.Equal(9, _f.Store.CompactRevision);
    }

    [Fact]
    public async Task Compact_TxnRangeBelowCompaction_Throws()
    {
        Seed();
        await _f.Store.Compact(6);
        var txn = new TxnRequest { Success = { new RequestOp { RequestRange = new RangeRequest { Key = B("k"), Revision = 5 } } } };
        Assert.Throws<CompactedException>(() => _f.Store.Txn(txn));
    }

    [Fact]
    public void Compact_NeverCompacted_RevisionIsZero()
    {
        Assert.Equal(0, _f.Store.CompactRevision);
    }

    [Fact]
    public async Task Reopen_AfterScheduledButUnfinishedCompaction_FinishesIt()
    {
        Seed();
        // What a crash between scheduling and deleting leaves behind: the intent, no deletions.
        _f.Backend.BatchTx.Put(Buckets.Meta, MetaKeys.ScheduledCompactRevKey, RevisionKey.Encode(8, 0));
        _f.Reopen();
        Assert.Equal(8, _f.Store.CompactRevision);
        Assert.Throws<CompactedException>(() => _f.Get("k", rev: 7));
        DateTime deadline = DateTime.UtcNow.AddSeconds(20);
        while (BackendRevisions().Count != 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }
        Assert.Equal([(6L, false), (9L, false)], BackendRevisions());
        _f.Reopen();
        Assert.Equal(8, _f.Store.CompactRevision);
        Assert.Equal(9, _f.Store.CurrentRevision);
    }
}
