using System.Text.Json;
using EtcdNet.TestKit;

namespace EtcdNet.E2E.Tests.Maintenance;

/// <summary>etcdctl defrag (and --cluster) compared with etcd 3.4, and on a three-member etcdnet cluster.</summary>
public sealed class DefragTests
{
    [Fact]
    public async Task Defrag_AndDefragCluster_PrintAsEtcd()
    {
        await using var pair = await MemberPair.StartAsync();
        await pair.SameAsync(["put", "a", "1"]);
        await pair.SameAsync(["defrag"]);
        await pair.SameAsync(["defrag", "--cluster"]);
        await pair.SameAsync(["get", "a"]);
    }

    [Fact]
    public async Task DefragCluster_ThreeMembers_DefragmentsEachAndKeepsHashesEqual()
    {
        await using var cluster = await TestCluster.StartAsync(ServerKind.EtcdNet);
        var url = cluster.Members[0].ClientUrl;
        for (var i = 0; i < 20; i++)
        {
            var put = await Etcdctl.RunAsync(url, ["put", $"k{i % 4}", new string('v', 1000 + i)]);
            Assert.True(put.ExitCode == 0, put.ToString());
        }

        var defrag = await Etcdctl.RunAsync(url, ["defrag", "--cluster"]);

        Assert.True(defrag.ExitCode == 0, defrag.ToString());
        var lines = defrag.Stdout.Trim().Split('\n').Order(StringComparer.Ordinal).ToArray();
        var expected = cluster.Members.Select(m => $"Finished defragmenting etcd member[{m.ClientUrl}]").Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expected, lines);

        List<(uint Hash, long Rev)> hashes = [];
        await Eventually.TrueAsync(async () =>
        {
            var result = await Etcdctl.RunAsync(url, ["endpoint", "hashkv", "--cluster", "-w", "json"]);
            if (result.ExitCode != 0) return false;
            hashes = JsonDocument.Parse(result.Stdout).RootElement.EnumerateArray()
                .Select(e => e.GetProperty("HashKV"))
                .Select(h => (h.GetProperty("hash").GetUInt32(), h.GetProperty("header").GetProperty("revision").GetInt64()))
                .ToList();
            return hashes.Count == 3 && hashes.All(h => h.Rev == 21);
        }, TimeSpan.FromSeconds(20), "every member at revision 21");
        Assert.Single(hashes.Select(h => h.Hash).Distinct());
    }
}
