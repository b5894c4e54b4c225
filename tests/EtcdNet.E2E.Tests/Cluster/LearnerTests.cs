using System.Text.Json;
using EtcdNet.TestKit;

namespace EtcdNet.E2E.Tests.Cluster;

/// <summary>Adding a learner to a running cluster, letting it catch up, and promoting it, as etcd's learner docs do.</summary>
public sealed class LearnerTests
{
    private static async Task<string> Ok(Task<CommandResult> command)
    {
        var result = await command;
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Stdout;
    }

    [Fact]
    public async Task AddLearner_ItCatchesUp_RefusesWrites_ThenPromotes()
    {
        await using var cluster = await TestCluster.StartAsync(ServerKind.EtcdNet);
        var first = cluster.Members[0];
        for (var i = 0; i < 20; i++) await Ok(Etcdctl.RunAsync(first.ClientUrl, ["put", $"k{i}", "v"]));

        var learner = Member.Prepare(ServerKind.EtcdNet, "infra4");
        var added = await Ok(Etcdctl.RunAsync(first.ClientUrl, ["member", "add", "infra4", $"--peer-urls={learner.PeerUrl}", "--learner"]));
        Assert.Contains("added to cluster", added, StringComparison.Ordinal);
        var second = await Etcdctl.RunAsync(first.ClientUrl, ["member", "add", "infra5", "--peer-urls=http://127.0.0.1:1", "--learner"]);
        Assert.Contains("Error: etcdserver: too many learner members in cluster", second.Stderr, StringComparison.Ordinal);

        await cluster.JoinAsync(learner);
        // The learner publishes its name through raft once it runs; until that applies it lists as unstarted.
        await Eventually.TrueAsync(async () => (await Ok(Etcdctl.RunAsync(first.ClientUrl, ["member", "list", "-w", "table"])))
            .Contains("| started | infra4 |", StringComparison.Ordinal), TimeSpan.FromSeconds(20), "infra4 to show as started");
        var list = JsonDocument.Parse(await Ok(Etcdctl.RunAsync(first.ClientUrl, ["member", "list", "-w", "json"]))).RootElement.GetProperty("members");
        var learnerEntry = list.EnumerateArray().Single(m => m.GetProperty("name").GetString() == "infra4");
        Assert.True(learnerEntry.GetProperty("isLearner").GetBoolean());
        var learnerId = learnerEntry.GetProperty("ID").GetUInt64().ToString("x");

        // A learner serves serializable reads of what it has replicated, and nothing that needs a vote.
        await Eventually.TrueAsync(async () => (await Etcdctl.RunAsync(learner.ClientUrl, ["get", "k19", "--print-value-only", "--consistency=s"])).Stdout.Trim() == "v",
            TimeSpan.FromSeconds(20), "the learner to replicate the log");
        var put = await Etcdctl.RunAsync(learner.ClientUrl, ["put", "x", "y"]);
        Assert.Contains("Error: etcdserver: rpc not supported for learner", put.Stderr, StringComparison.Ordinal);

        var leader = await cluster.LeaderAsync();
        await Eventually.TrueAsync(async () => (await Etcdctl.RunAsync(leader.ClientUrl, ["member", "promote", learnerId])).ExitCode == 0,
            TimeSpan.FromSeconds(20), "the promotion to be accepted");
        list = JsonDocument.Parse(await Ok(Etcdctl.RunAsync(first.ClientUrl, ["member", "list", "-w", "json"]))).RootElement.GetProperty("members");
        Assert.All(list.EnumerateArray(), m => Assert.False(m.TryGetProperty("isLearner", out var l) && l.GetBoolean()));
        await Ok(Etcdctl.RunAsync(learner.ClientUrl, ["put", "from-promoted", "ok"]));
    }

    [Fact]
    public async Task Promote_NotALearner_FailsWithEtcdsError()
    {
        await using var cluster = await TestCluster.StartAsync(ServerKind.EtcdNet);
        var leader = await cluster.LeaderAsync();
        var status = JsonDocument.Parse(await Ok(Etcdctl.RunAsync(leader.ClientUrl, ["endpoint", "status", "-w", "json"]))).RootElement[0];
        var id = status.GetProperty("Status").GetProperty("header").GetProperty("member_id").GetUInt64().ToString("x");
        var promote = await Etcdctl.RunAsync(leader.ClientUrl, ["member", "promote", id]);
        Assert.Contains("Error: etcdserver: can only promote a learner member", promote.Stderr, StringComparison.Ordinal);
        var missing = await Etcdctl.RunAsync(leader.ClientUrl, ["member", "promote", "1234"]);
        Assert.Contains("Error: etcdserver: member not found", missing.Stderr, StringComparison.Ordinal);
    }
}
