using System.Collections.Concurrent;
using System.Text.Json;
using EtcdNet.TestKit;

namespace EtcdNet.E2E.Tests.Cluster;

/// <summary>Three etcdnet processes bootstrapped together, driven with the real etcdctl.</summary>
public sealed class ThreeMemberClusterTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(ServerKind.EtcdNet);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private static async Task<string> Ok(Task<CommandResult> command)
    {
        var result = await command;
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Stdout;
    }

    [Fact]
    public async Task MemberList_ShowsThreeStartedMembers()
    {
        // Client URLs arrive as each member publishes itself through raft after it starts.
        List<JsonElement> members = [];
        await Eventually.TrueAsync(async () =>
        {
            var list = await Ok(Etcdctl.RunAsync(_cluster.Members[0].ClientUrl, ["member", "list", "-w", "json"]));
            members = JsonDocument.Parse(list).RootElement.GetProperty("members").EnumerateArray().ToList();
            return members.All(m => m.TryGetProperty("clientURLs", out var urls) && urls.GetArrayLength() == 1);
        }, TimeSpan.FromSeconds(20), "every member to publish its client URL");
        Assert.Equal(3, members.Count);
        Assert.Equal(["infra1", "infra2", "infra3"], members.Select(m => m.GetProperty("name").GetString()).Order());
        Assert.All(members, m => Assert.Single(m.GetProperty("clientURLs").EnumerateArray()));
        var table = await Ok(Etcdctl.RunAsync(_cluster.Members[1].ClientUrl, ["--write-out=table", "member", "list"]));
        Assert.Equal(3, table.Split('\n').Count(l => l.Contains("| started |", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task PutOnOne_GetFromEveryOther()
    {
        var m = _cluster.Members;
        await Ok(Etcdctl.RunAsync(m[0].ClientUrl, ["put", "shared", "v1"]));
        foreach (var member in m)
        {
            Assert.Equal("v1", (await Ok(Etcdctl.RunAsync(member.ClientUrl, ["get", "shared", "--print-value-only"]))).Trim());
        }
        await Ok(Etcdctl.RunAsync(m[2].ClientUrl, ["put", "shared", "v2"]));
        Assert.Equal("v2", (await Ok(Etcdctl.RunAsync(m[1].ClientUrl, ["get", "shared", "--print-value-only"]))).Trim());
        await Eventually.TrueAsync(async () => (await Etcdctl.RunAsync(m[0].ClientUrl, ["get", "shared", "--print-value-only", "--consistency=s"])).Stdout.Trim() == "v2",
            TimeSpan.FromSeconds(5), "the serializable read on a follower to catch up");
    }

    [Fact]
    public async Task KillTheLeader_NewLeaderIsElected_WritesContinue_RestartedMemberCatchesUp()
    {
        var leader = await _cluster.LeaderAsync();
        await Ok(Etcdctl.RunAsync(leader.ClientUrl, ["put", "before", "1"]));
        await leader.KillAsync();

        var survivors = _cluster.Members.Where(m => m != leader).ToList();
        var newLeader = await _cluster.LeaderAsync();
        Assert.NotEqual(leader, newLeader);
        foreach (var (member, i) in survivors.Select((m, i) => (m, i)))
        {
            await Ok(Etcdctl.RunAsync(member.ClientUrl, ["put", $"after{i}", "2"]));
        }

        await leader.StartProcessAsync();
        await Eventually.TrueAsync(async () =>
        {
            var got = await Etcdctl.RunAsync(leader.ClientUrl, ["get", "after", "--prefix", "--keys-only", "--consistency=s"]);
            return got.Stdout.Contains("after0", StringComparison.Ordinal) && got.Stdout.Contains("after1", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(20), "the restarted member to catch up");
        Assert.Equal("1", (await Ok(Etcdctl.RunAsync(leader.ClientUrl, ["get", "before", "--print-value-only"]))).Trim());
    }

    [Fact]
    public async Task Lease_KeptAliveAndAskedThroughAFollower_TheLeaderAnswers()
    {
        var leader = await _cluster.LeaderAsync();
        var follower = _cluster.Members.First(m => m != leader);
        var grant = await Ok(Etcdctl.RunAsync(follower.ClientUrl, ["lease", "grant", "30"]));
        var id = grant.Split(' ')[1];
        await Ok(Etcdctl.RunAsync(follower.ClientUrl, ["put", "--lease=" + id, "leased", "v"]));

        var keepAlive = await Ok(Etcdctl.RunAsync(follower.ClientUrl, ["lease", "keep-alive", "--once", id]));
        Assert.Contains($"lease {id} keepalived with TTL(30)", keepAlive, StringComparison.Ordinal);
        var ttl = await Ok(Etcdctl.RunAsync(follower.ClientUrl, ["lease", "timetolive", "--keys", id]));
        Assert.Matches($"lease {id} granted with TTL\\(30s\\), remaining\\(\\d+s\\), attached keys\\(\\[leased\\]\\)", ttl);

        await Ok(Etcdctl.RunAsync(leader.ClientUrl, ["lease", "revoke", id]));
        var gone = await Ok(Etcdctl.RunAsync(follower.ClientUrl, ["lease", "timetolive", id]));
        Assert.Contains("already expired", gone, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MoveLeader_TransfersLeadership()
    {
        var leader = await _cluster.LeaderAsync();
        var target = _cluster.Members.First(m => m != leader);
        var targetId = await MemberIdAsync(target);
        var moved = await Ok(Etcdctl.RunAsync(leader.ClientUrl, ["move-leader", targetId]));
        Assert.Contains("Leadership transferred", moved, StringComparison.Ordinal);
        Assert.Equal(target, await _cluster.LeaderAsync());
    }

    [Fact]
    public async Task MemberRemove_LeavesTwoMembersThatStillServe()
    {
        var leader = await _cluster.LeaderAsync();
        var follower = _cluster.Members.First(m => m != leader);
        var id = await MemberIdAsync(follower);
        await Ok(Etcdctl.RunAsync(leader.ClientUrl, ["member", "remove", id]));
        var list = await Ok(Etcdctl.RunAsync(leader.ClientUrl, ["member", "list"]));
        Assert.Equal(2, list.Trim().Split('\n').Length);
        Assert.DoesNotContain(id, list, StringComparison.Ordinal);
        await Ok(Etcdctl.RunAsync(leader.ClientUrl, ["put", "after-remove", "ok"]));
    }

    [Fact]
    public async Task KillEveryMemberDuringWrites_RestartAll_NoAcknowledgedWriteLost_AllAgree()
    {
        var acknowledged = new ConcurrentDictionary<string, string>();
        using var stop = new CancellationTokenSource();
        var writers = _cluster.Members.Select((member, w) => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var put = await Etcdctl.RunAsync(member.ClientUrl, ["--command-timeout", "2s", "put", $"w{w}-{i:D4}", $"{i}"]);
                if (put.ExitCode != 0) break;
                acknowledged[$"w{w}-{i:D4}"] = $"{i}";
            }
        })).ToArray();
        await Eventually.TrueAsync(() => Task.FromResult(acknowledged.Count >= 30), TimeSpan.FromSeconds(60), "30 acknowledged puts");
        foreach (var m in _cluster.Members) await m.KillAsync();
        stop.Cancel();
        await Task.WhenAll(writers);

        foreach (var m in _cluster.Members) m.Launch();
        foreach (var m in _cluster.Members) await m.WaitHealthyAsync();

        var views = new List<string>();
        foreach (var m in _cluster.Members)
        {
            // A linearizable read first, so every member has applied the whole committed log.
            await Ok(Etcdctl.RunAsync(m.ClientUrl, ["get", "sync"]));
            var json = await Ok(Etcdctl.RunAsync(m.ClientUrl, ["get", "w", "--prefix", "-w", "json", "--consistency=s"]));
            var root = JsonDocument.Parse(json).RootElement;
            var kvs = root.TryGetProperty("kvs", out var k) ? k.EnumerateArray().ToList() : [];
            var stored = kvs.ToDictionary(kv => Decode(kv, "key"), kv => Decode(kv, "value"));
            foreach (var (key, value) in acknowledged)
            {
                Assert.True(stored.TryGetValue(key, out var v) && v == value, $"{m.Name} lost acknowledged {key}");
            }
            views.Add(root.GetProperty("header").GetProperty("revision").GetInt64() + ":" + (kvs.Count == 0 ? "" : JsonSerializer.Serialize(kvs)));
        }
        Assert.Single(views.Distinct());
    }

    private static async Task<string> MemberIdAsync(Member member)
    {
        var status = await Ok(Etcdctl.RunAsync(member.ClientUrl, ["endpoint", "status", "-w", "json"]));
        var id = JsonDocument.Parse(status).RootElement[0].GetProperty("Status").GetProperty("header").GetProperty("member_id").GetUInt64();
        return id.ToString("x");
    }

    private static string Decode(JsonElement kv, string field) =>
        kv.TryGetProperty(field, out var v) ? System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(v.GetString()!)) : "";
}
