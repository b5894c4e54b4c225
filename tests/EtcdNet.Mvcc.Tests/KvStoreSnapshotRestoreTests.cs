using EtcdNet.Api.Etcdserverpb;
using static EtcdNet.Mvcc.Tests.StoreFixture;

namespace EtcdNet.Mvcc.Tests;

public sealed class KvStoreSnapshotRestoreTests : IDisposable
{
    private readonly FakeLeases _leases = new();
    private readonly StoreFixture _leader = new();
    private readonly StoreFixture _follower;
    private readonly string _snapshotPath = Path.Combine(Path.GetTempPath(), "etcdnet-mvcc-snap-" + Guid.NewGuid().ToString("N") + ".db");

    public KvStoreSnapshotRestoreTests()
    {
        _leases.Existing.Add(7);
        _follower = new StoreFixture(new KvStoreOptions { Leases = _leases, CompactionBatchLimit = 1 });
    }

    public void Dispose()
    {
        _leader.Dispose();
        _follower.Dispose();
        File.Delete(_snapshotPath);
    }

    private static string Dump(RangeResponse r) =>
        string.Join(";", r.Kvs.Select(kv => $"{S(kv.Key)}={S(kv.Value)}/c{kv.CreateRevision}/m{kv.ModRevision}/v{kv.Version}/l{kv.Lease}"));

    /// <summary>Commits the leader and copies its database, as a leader sends it with a snapshot.</summary>
    private void TakeLeaderSnapshot(ulong consistentIndex)
    {
        _leader.Store.SetConsistentIndex(consistentIndex);
        _leader.Store.Commit();
        _leader.Backend.SnapshotTo(_snapshotPath);
    }

    private void RestoreFollower() => _follower.Store.Restore(() => _follower.Backend.Restore(_snapshotPath));

    [Fact]
    public async Task Restore_LeadersDatabase_RebuildsIndexRevisionsAndConsistentIndex()
    {
        _leader.Put("a", "1");
        _leader.Put("a", "2");
        _leader.Put("b", "1");
        _leader.Delete("b");
        await _leader.Store.Compact(3);
        _leader.Put("c", "1");
        TakeLeaderSnapshot(500);
        _follower.Put("stale", "x");
        _follower.Store.SetConsistentIndex(3);

        RestoreFollower();

        Assert.Equal(_leader.Store.CurrentRevision, _follower.Store.CurrentRevision);
        Assert.Equal(3, _follower.Store.CompactRevision);
        Assert.Equal(500UL, _follower.Store.ConsistentIndex);
        Assert.Equal(Dump(_leader.Get("", "\0")), Dump(_follower.Get("", "\0")));
        Assert.Equal(Dump(_leader.Get("", "\0", rev: 4)), Dump(_follower.Get("", "\0", rev: 4)));
        Assert.Throws<CompactedException>(() => _follower.Get("a", rev: 2));

        // Writes carry on from the leader's revision and versions.
        long rev = _follower.Put("a", "3");
        Assert.Equal(_leader.Store.CurrentRevision + 1, rev);
        Assert.Equal(3, _follower.One("a")!.Version);
    }

    [Fact]
    public void Restore_KeysWithLeases_AttachedAgain()
    {
        _leader.Store.Options.Leases = _leases;
        _leader.Put("held", "1", lease: 7);
        _leader.Put("free", "1");
        TakeLeaderSnapshot(9);
        _leases.Log.Clear();

        RestoreFollower();

        Assert.Equal(["attach 7 held"], _leases.Log);
        Assert.Equal(7, _follower.One("held")!.Lease);
    }

    [Fact]
    public async Task Restore_WhileCompactionRuns_LeavesTheNewContentsWhole()
    {
        for (int i = 0; i < 200; i++)
        {
            _leader.Put("k", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        TakeLeaderSnapshot(1000);
        for (int i = 0; i < 200; i++)
        {
            _follower.Put("k", "old");
        }
        // One revision per batch: the compaction is still deleting when the restore starts.
        Task compaction = _follower.Store.Compact(199);

        RestoreFollower();
        await compaction;

        Assert.Equal(0, _follower.Store.CompactRevision);
        for (long rev = 2; rev <= 201; rev++)
        {
            Assert.Equal((rev - 2).ToString(System.Globalization.CultureInfo.InvariantCulture), S(_follower.One("k", rev)!.Value));
        }
    }

    [Fact]
    public void Restore_ThenReopen_SameState()
    {
        _leader.Put("a", "1");
        _leader.Put("b", "2");
        TakeLeaderSnapshot(77);
        RestoreFollower();
        _follower.Put("c", "3");

        _follower.Reopen();

        Assert.Equal(77UL, _follower.Store.ConsistentIndex);
        Assert.Equal(["a", "b", "c"], Keys(_follower.Get("", "\0")));
        Assert.Equal(4, _follower.Store.CurrentRevision);
    }
}
