using EtcdNet.Server.Membership;
using EtcdNet.Storage;
using EtcdNet.TestKit;
using Member = EtcdNet.Server.Membership.Member;

namespace EtcdNet.Server.Tests.Membership;

public sealed class RaftClusterReloadTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static Member M(ulong id, string name) => new(id, name, [$"http://127.0.0.1:{id}"], [], false);

    [Fact]
    public void Reload_AfterBackendRestore_HoldsTheLeadersMembersAndRaisesChanged()
    {
        string snapshot = Path.Combine(_dir.Path, "leader.snap.db");
        using (var leaderDb = Backend.Open(Path.Combine(_dir.Path, "leader")))
        {
            var leader = new RaftCluster(leaderDb, 1, 100);
            leader.Add(M(1, "a"));
            leader.Add(M(2, "b"));
            leader.Add(M(4, "d"));
            leader.Remove(3);
            leaderDb.Commit();
            leaderDb.SnapshotTo(snapshot);
        }
        using var db = Backend.Open(Path.Combine(_dir.Path, "db"));
        var cluster = new RaftCluster(db, 2, 100);
        cluster.Add(M(1, "a"));
        cluster.Add(M(2, "b"));
        cluster.Add(M(3, "c"));
        db.Commit();
        IReadOnlyList<Member>? seen = null;
        cluster.Changed += members => seen = members;

        db.Restore(snapshot);
        cluster.Reload();

        Assert.Equal([1UL, 2UL, 4UL], cluster.Members.Select(m => m.Id));
        Assert.True(cluster.IsRemoved(3));
        Assert.Equal("d", cluster.Get(4)!.Name);
        Assert.Equal([1UL, 2UL, 4UL], seen!.Select(m => m.Id));
        Assert.Equal(2UL, cluster.LocalId);
    }
}
