using System.Text.Json;
using EtcdNet.TestKit;

namespace EtcdNet.E2E.Tests.Cluster;

/// <summary>
/// A follower that was down while the leader compacted its raft log past it catches up from the leader's database
/// (a raft snapshot with the backend attached), as etcd does.
/// </summary>
public sealed class SnapshotCatchUpTests : IAsyncLifetime
{
    private const int Writers = 4;
    private const int KeysPerWriter = 60;

    private TestCluster _cluster = null!;

    // Snapshot every 100 entries and keep only 10 behind it: a member away for a few hundred entries needs the db.
    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(ServerKind.EtcdNet, 3,
        "--snapshot-count", "100", "--experimental-snapshot-catchup-entries", "10");

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private static async Task<string> Ok(Task<CommandResult> command)
    {
        var result = await command;
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Stdout;
    }

    private static async Task<long> RevisionAsync(Member member)
    {
        var json = await Ok(Etcdctl.RunAsync(member.ClientUrl, ["endpoint", "status", "-w", "json"]));
        return JsonDocument.Parse(json).RootElement[0].GetProperty("Status").GetProperty("header").GetProperty("revision").GetInt64();
    }

    private static async Task<Dictionary<string, string>> KeysAsync(Member member)
    {
        var json = await Ok(Etcdctl.RunAsync(member.ClientUrl, ["get", "k", "--prefix", "-w", "json", "--consistency=s"]));
        var root = JsonDocument.Parse(json).RootElement;
        if (!root.TryGetProperty("kvs", out var kvs)) return [];
        return kvs.EnumerateArray().ToDictionary(kv => Decode(kv, "key"), kv => Decode(kv, "value"));
    }

    private static string Decode(JsonElement kv, string field) =>
        System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(kv.GetProperty(field).GetString()!));

    [Fact]
    public async Task StoppedFollower_LeaderCompactedPastIt_CatchesUpByInstallingTheLeadersSnapshot()
    {
        var leader = await _cluster.LeaderAsync();
        var follower = _cluster.Members.First(m => m != leader);
        await Ok(Etcdctl.RunAsync(leader.ClientUrl, ["put", "k-before", "0"]));
        await Eventually.TrueAsync(async () => (await KeysAsync(follower)).ContainsKey("k-before"),
            TimeSpan.FromSeconds(10), "the follower to apply the first write");
        await follower.KillAsync();

        // Several writers at once keep the wall time down; every put is one raft entry.
        var expected = new Dictionary<string, string> { ["k-before"] = "0" };
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < KeysPerWriter; i++)
            {
                await Ok(Etcdctl.RunAsync(leader.ClientUrl, ["put", $"k{w}-{i:D3}", $"v{w}-{i}"]));
            }
        })));
        for (var w = 0; w < Writers; w++)
        {
            for (var i = 0; i < KeysPerWriter; i++) expected[$"k{w}-{i:D3}"] = $"v{w}-{i}";
        }
        var revision = await RevisionAsync(leader);

        await follower.StartProcessAsync();
        await Eventually.TrueAsync(async () => await RevisionAsync(follower) == revision,
            TimeSpan.FromSeconds(60), $"the restarted follower to reach revision {revision}");

        Assert.Equal(expected.OrderBy(kv => kv.Key), (await KeysAsync(follower)).OrderBy(kv => kv.Key));
        foreach (var m in _cluster.Members) Assert.Equal(revision, await RevisionAsync(m));
        Assert.Contains("applied snapshot", follower.Process!.Output, StringComparison.Ordinal);

        // The member keeps working after the install: a write through it lands everywhere.
        await Ok(Etcdctl.RunAsync(follower.ClientUrl, ["put", "k-after", "1"]));
        foreach (var m in _cluster.Members)
        {
            await Eventually.TrueAsync(async () => (await KeysAsync(m)).GetValueOrDefault("k-after") == "1",
                TimeSpan.FromSeconds(10), $"{m.Name} to apply the write made through the restored member");
        }
    }
}
