using EtcdNet.Storage;
using EtcdNet.TestKit;

namespace EtcdNet.Lease.Tests;

public sealed class LessorRestoreTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly ManualTimeProvider _clock = new();
    private readonly Backend _backend;
    private readonly Lessor _lessor;

    public LessorRestoreTests()
    {
        _backend = Backend.Open(Path.Combine(_dir.Path, "db"));
        _lessor = new Lessor(_backend, _clock, new LessorOptions { MinTtl = 2 });
    }

    public void Dispose()
    {
        _backend.Dispose();
        _dir.Dispose();
    }

    private static ReadOnlyMemory<byte> K(string s) => System.Text.Encoding.UTF8.GetBytes(s);

    /// <summary>A database holding the given leases, as a leader would send it.</summary>
    private string LeaderDatabase(params (long Id, long Ttl)[] leases)
    {
        string path = Path.Combine(_dir.Path, "leader.snap.db");
        using var leader = Backend.Open(Path.Combine(_dir.Path, "leader"));
        var lessor = new Lessor(leader, _clock);
        foreach (var (id, ttl) in leases) lessor.Grant(id, ttl);
        leader.Commit();
        leader.SnapshotTo(path);
        return path;
    }

    [Fact]
    public void Restore_AfterBackendRestore_HoldsExactlyTheNewLeases()
    {
        _lessor.Grant(1, 10);
        _lessor.Grant(5, 10);
        _lessor.Attach(5, K("old-key"));
        _backend.Commit();

        _backend.Restore(LeaderDatabase((5, 30), (6, 40)));
        _lessor.Restore();

        Assert.Equal([5L, 6L], _lessor.Leases());
        Assert.Null(_lessor.Lookup(1));
        var five = _lessor.Lookup(5)!;
        Assert.Equal(30, five.GrantedTtl);
        // Keys are attached again by the kv store's restore, not carried over.
        Assert.Empty(five.Keys);
        _lessor.Attach(6, K("new-key"));
        Assert.Single(_lessor.Lookup(6)!.Keys);
    }

    [Fact]
    public void Restore_OnThePrimary_LeasesExpireAfterTheirTtlFromNow()
    {
        _lessor.Promote(TimeSpan.Zero);
        _backend.Restore(LeaderDatabase((8, 10)));
        _lessor.Restore();

        _clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Empty(_lessor.TakeExpired());
        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal([8L], _lessor.TakeExpired());
    }

    [Fact]
    public void Restore_NotPrimary_NothingExpires()
    {
        _backend.Restore(LeaderDatabase((8, 10)));
        _lessor.Restore();
        _clock.Advance(TimeSpan.FromSeconds(60));
        Assert.Empty(_lessor.TakeExpired());
        Assert.Equal(10, _lessor.Lookup(8)!.RemainingTtl);
    }
}
