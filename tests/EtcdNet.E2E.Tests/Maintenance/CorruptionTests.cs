using EtcdNet.TestKit;

namespace EtcdNet.E2E.Tests.Maintenance;

/// <summary>
/// A member whose backend was edited while it was stopped: refused at start by --experimental-initial-corrupt-check,
/// and caught by the leader's --experimental-corrupt-check-time, which raises CORRUPT for the whole cluster.
/// </summary>
public sealed class CorruptionTests
{
    /// <summary>Writes keys whose values a same-length edit can change without breaking their encoding.</summary>
    private static async Task WriteAsync(TestCluster cluster)
    {
        for (int i = 0; i < 5; i++)
        {
            var put = await Etcdctl.RunAsync(cluster.Members[0].ClientUrl, ["put", $"key{i}", $"good-value-{i}"]);
            Assert.True(put.ExitCode == 0, put.ToString());
        }
    }

    /// <summary>A follower, stopped once it holds every write, with "good" turned into "evil" in its key bucket.</summary>
    private static async Task<Member> CorruptFollowerAsync(TestCluster cluster)
    {
        var leader = await cluster.LeaderAsync();
        var follower = cluster.Members.First(m => m != leader);
        await Eventually.TrueAsync(async () =>
        {
            var get = await Etcdctl.RunAsync(follower.ClientUrl, ["get", "key4", "--consistency", "s", "--print-value-only"]);
            return get.Stdout.Trim() == "good-value-4";
        }, TimeSpan.FromSeconds(20), "the follower to apply every write");
        await follower.Process!.StopAsync();
        var db = Path.Combine(follower.DataDir, "member", "snap", "db");
        var edit = await ProcessRunner.RunAsync("sqlite3",
            [db, "UPDATE bucket_key SET v = CAST(replace(CAST(v AS TEXT), 'good', 'evil') AS BLOB); SELECT changes();"]);
        Assert.True(edit.ExitCode == 0 && edit.Stdout.Trim() == "5", edit.ToString());
        return follower;
    }

    [Fact]
    public async Task InitialCorruptCheck_EditedBackend_RefusesToStart()
    {
        await using var cluster = await TestCluster.StartAsync(ServerKind.EtcdNet, 3, "--experimental-initial-corrupt-check");
        await WriteAsync(cluster);
        var follower = await CorruptFollowerAsync(cluster);

        follower.Launch();
        // Output is read asynchronously: it may trail the exit a little.
        await Eventually.TrueAsync(() => Task.FromResult(follower.Process!.HasExited
                && follower.Process.Output.Contains("found data inconsistency with peers", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30), "the corrupted member to exit, saying it found data inconsistency");
        Assert.NotEqual(0, follower.Process!.ExitCode);
    }

    [Fact]
    public async Task PeriodicCorruptCheck_EditedBackend_RaisesCorruptAndRefusesWrites()
    {
        await using var cluster = await TestCluster.StartAsync(ServerKind.EtcdNet, 3, "--experimental-corrupt-check-time", "1s");
        await WriteAsync(cluster);
        var follower = await CorruptFollowerAsync(cluster);
        await follower.StartProcessAsync();

        string url = cluster.Members.First(m => m != follower).ClientUrl;
        await Eventually.TrueAsync(async () =>
        {
            var list = await Etcdctl.RunAsync(url, ["alarm", "list"]);
            return list.Stdout == "alarm:CORRUPT \n";
        }, TimeSpan.FromSeconds(30), "the leader to raise CORRUPT");
        var put = await Etcdctl.RunAsync(url, ["put", "after", "x"]);
        Assert.NotEqual(0, put.ExitCode);
        Assert.Contains("Error: etcdserver: corrupt cluster", put.Stderr, StringComparison.Ordinal);
        // Reads are still served.
        var get = await Etcdctl.RunAsync(url, ["get", "key1", "--print-value-only"]);
        Assert.Equal("good-value-1\n", get.Stdout);
    }
}
