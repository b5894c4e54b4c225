using System.Text.Json;
using EtcdNet.TestKit;

namespace EtcdNet.E2E.Tests.Maintenance;

/// <summary>`etcdctl endpoint hashkv --cluster` on three etcdnet members: the same history hashes the same everywhere.</summary>
public sealed class ClusterHashKVTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(ServerKind.EtcdNet);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task EndpointHashKVCluster_AfterWritesAndCompaction_EqualOnEveryMember()
    {
        string url = _cluster.Members[0].ClientUrl;
        for (int i = 0; i < 10; i++)
        {
            var put = await Etcdctl.RunAsync(url, ["put", $"k{i % 3}", $"v{i}"]);
            Assert.True(put.ExitCode == 0, put.ToString());
        }
        var compact = await Etcdctl.RunAsync(url, ["compact", "6"]);
        Assert.True(compact.ExitCode == 0, compact.ToString());

        List<(uint Hash, long Compact, long Rev)> hashes = [];
        await Eventually.TrueAsync(async () =>
        {
            var result = await Etcdctl.RunAsync(url, ["endpoint", "hashkv", "--cluster", "-w", "json"]);
            if (result.ExitCode != 0) return false;
            hashes = JsonDocument.Parse(result.Stdout).RootElement.EnumerateArray()
                .Select(e => e.GetProperty("HashKV"))
                .Select(h => (h.GetProperty("hash").GetUInt32(), h.GetProperty("compact_revision").GetInt64(),
                    h.GetProperty("header").GetProperty("revision").GetInt64()))
                .ToList();
            // Followers may still be applying; all three must report the same revision before hashes compare.
            return hashes.Count == 3 && hashes.All(h => h.Rev == 11 && h.Compact == 6);
        }, TimeSpan.FromSeconds(20), "every member to reach revision 11 with compaction at 6");
        Assert.Single(hashes.Select(h => h.Hash).Distinct());
    }
}
