using System.Diagnostics;
using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Server.Tests.Hosting;
using EtcdNet.TestKit;
using Google.Protobuf;
using Xunit.Abstractions;

namespace EtcdNet.Server.Tests.Metrics;

/// <summary>/metrics of a running member: etcd's series move as the member works, and promtool accepts the text.</summary>
public sealed class MetricsEndpointTests(ITestOutputHelper output)
{
    private const string PutOk = "grpc_server_handled_total{grpc_code=\"OK\",grpc_method=\"Put\",grpc_service=\"etcdserverpb.KV\",grpc_type=\"unary\"}";

    private static Task<PutResponse> Put(InProcessMember member, string key) =>
        member.CallAsync<PutRequest, PutResponse>("/etcdserverpb.KV/Put",
            new PutRequest { Key = ByteString.CopyFromUtf8(key), Value = ByteString.CopyFromUtf8("v") });

    [Fact]
    public async Task Metrics_AfterPuts_LeaderProposalsAndHandledRise()
    {
        await using var member = await InProcessMember.StartAsync();
        var url = member.Host.ClientUrls[0];
        await member.Host.Server.WaitForLeaderAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        var before = await Scrape.GetAsync(url);

        for (var i = 0; i < 3; i++) await Put(member, $"k{i}");
        var after = await Scrape.GetAsync(url);

        Assert.Equal(1, after["etcd_server_has_leader"]);
        Assert.Equal(1, after["etcd_server_is_leader"]);
        Assert.Equal(0, after["etcd_server_is_learner"]);
        Assert.True(after["etcd_server_leader_changes_seen_total"] >= 1);
        Assert.True(after["etcd_server_proposals_committed_total"] >= before["etcd_server_proposals_committed_total"] + 3);
        Assert.True(after["etcd_server_proposals_applied_total"] >= before["etcd_server_proposals_applied_total"] + 3);
        Assert.Equal(0, after["etcd_server_proposals_pending"]);
        Assert.Equal(before[PutOk] + 3, after[PutOk]);
        Assert.Equal(2147483648, after["etcd_server_quota_backend_bytes"]);
        Assert.Equal(1, after[$"etcd_server_id{{server_id=\"{member.Host.Server.MemberId:x}\"}}"]);
        Assert.Equal(1, after["etcd_server_version{server_version=\"3.5.0\"}"]);
        Assert.True(after["etcd_debugging_mvcc_keys_total"] >= 3);
        Assert.True(after["etcd_mvcc_db_total_size_in_bytes"] > 0);
        Assert.True(after["etcd_disk_wal_fsync_duration_seconds_count"] > before["etcd_disk_wal_fsync_duration_seconds_count"]);
        Assert.True(after["etcd_network_client_grpc_received_bytes_total"] > before["etcd_network_client_grpc_received_bytes_total"]);
        Assert.True(after["process_resident_memory_bytes"] > 0);
        Assert.DoesNotContain("grpc_server_handling_seconds", after.Text);
    }

    [Fact]
    public async Task Metrics_LeaseGrantRenewRevoke_CountersRise()
    {
        await using var member = await InProcessMember.StartAsync();
        await member.Host.Server.WaitForLeaderAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        var url = member.Host.ClientUrls[0];
        var before = await Scrape.GetAsync(url);

        var grant = await member.CallAsync<LeaseGrantRequest, LeaseGrantResponse>("/etcdserverpb.Lease/LeaseGrant", new LeaseGrantRequest { TTL = 60 });
        member.Host.Server.Lessor.Renew(grant.ID); // a keepalive, as the leader's lessor sees it
        await member.CallAsync<LeaseRevokeRequest, LeaseRevokeResponse>("/etcdserverpb.Lease/LeaseRevoke", new LeaseRevokeRequest { ID = grant.ID });
        var after = await Scrape.GetAsync(url);

        Assert.Equal(before["etcd_debugging_lease_granted_total"] + 1, after["etcd_debugging_lease_granted_total"]);
        Assert.Equal(before["etcd_debugging_lease_renewed_total"] + 1, after["etcd_debugging_lease_renewed_total"]);
        Assert.Equal(before["etcd_debugging_lease_revoked_total"] + 1, after["etcd_debugging_lease_revoked_total"]);
        Assert.Equal(0, after["etcd_server_lease_expired_total"]);
    }

    [Fact]
    public async Task Metrics_BackendCommit_IsObserved()
    {
        await using var member = await InProcessMember.StartAsync();
        await Put(member, "k");
        await Eventually.TrueAsync(async () => (await Scrape.GetAsync(member.Host.ClientUrls[0]))["etcd_disk_backend_commit_duration_seconds_count"] > 0,
            TimeSpan.FromSeconds(10), "a backend commit to be timed");
    }

    [Fact]
    public async Task Metrics_Extensive_ExposesHandlingHistogram()
    {
        await using var member = await InProcessMember.StartAsync(o => o with { Metrics = "extensive" });
        await Put(member, "k");

        var scrape = await Scrape.GetAsync(member.Host.ClientUrls[0]);
        Assert.Equal(1, scrape["grpc_server_handling_seconds_count{grpc_method=\"Put\",grpc_service=\"etcdserverpb.KV\",grpc_type=\"unary\"}"]);
    }

    [Fact]
    public async Task ListenMetricsUrls_ServesMetricsAndHealthOnly()
    {
        var metricsUrl = new Uri($"http://127.0.0.1:{Ports.Free()}");
        await using var member = await InProcessMember.StartAsync(o => o with { ListenMetricsUrls = [metricsUrl.ToString().TrimEnd('/')] });
        Assert.DoesNotContain(member.Host.ClientUrls, u => u.Port == metricsUrl.Port);

        var scrape = await Scrape.GetAsync(metricsUrl);
        Assert.Contains("etcd_server_has_leader", scrape.Text);
        using var http = new HttpClient();
        await Eventually.TrueAsync(async () => (await http.GetAsync(new Uri(metricsUrl, "/health"))).IsSuccessStatusCode,
            TimeSpan.FromSeconds(10), "/health on the metrics URL");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync(new Uri(metricsUrl, "/version"))).StatusCode);
    }

    [Fact]
    public async Task Metrics_TwoMembers_PeerTrafficAndRoundTripPerPeer()
    {
        var url1 = $"http://127.0.0.1:{Ports.Free()}";
        var url2 = $"http://127.0.0.1:{Ports.Free()}";
        var cluster = $"m1={url1},m2={url2}";
        ServerOptions Member(ServerOptions o, string name, string url) =>
            o with { Name = name, ListenPeerUrls = [url], InitialAdvertisePeerUrls = [url], InitialCluster = cluster };
        await using var m1 = await InProcessMember.StartAsync(o => Member(o, "m1", url1));
        await using var m2 = await InProcessMember.StartAsync(o => Member(o, "m2", url2));
        await m1.Host.Server.WaitForLeaderAsync(new CancellationTokenSource(TimeSpan.FromSeconds(15)).Token);
        await Put(m1, "k");

        var to = EtcdNet.Server.Metrics.EtcdMetrics.MemberIdLabel(m2.Host.Server.MemberId);
        var from = EtcdNet.Server.Metrics.EtcdMetrics.MemberIdLabel(m1.Host.Server.MemberId);
        var scrape = await Scrape.GetAsync(m1.Host.ClientUrls[0]);
        Assert.True(scrape[$"etcd_network_peer_sent_bytes_total{{To=\"{to}\"}}"] > 0);
        Assert.True(scrape[$"etcd_network_peer_received_bytes_total{{From=\"{to}\"}}"] > 0);
        Assert.Equal(0, scrape[$"etcd_network_peer_sent_failures_total{{To=\"{to}\"}}"]);
        Assert.Equal(1, scrape[$"etcd_network_active_peers{{Local=\"{from}\",Remote=\"{to}\"}}"]);
        await Eventually.TrueAsync(async () =>
                (await Scrape.GetAsync(m1.Host.ClientUrls[0])).Text.Contains($"etcd_network_peer_round_trip_time_seconds_count{{To=\"{to}\"}}", StringComparison.Ordinal),
            TimeSpan.FromSeconds(15), "a measured round trip to the other member");
    }

    /// <summary>
    /// Lint problems promtool also reports on real etcd 3.4.23's /metrics, from etcd's own names (the snapshot
    /// counters appear once a member has peers): anything else is ours to fix.
    /// </summary>
    private static readonly string[] EtcdsOwnLintProblems =
    [
        "etcd_server_proposals_committed_total non-counter metrics should not have \"_total\" suffix",
        "etcd_server_proposals_applied_total non-counter metrics should not have \"_total\" suffix",
        "etcd_debugging_mvcc_keys_total non-counter metrics should not have \"_total\" suffix",
        "etcd_debugging_mvcc_watch_stream_total non-counter metrics should not have \"_total\" suffix",
        "etcd_debugging_mvcc_watcher_total non-counter metrics should not have \"_total\" suffix",
        "etcd_debugging_mvcc_slow_watcher_total non-counter metrics should not have \"_total\" suffix",
        "etcd_debugging_mvcc_pending_events_total non-counter metrics should not have \"_total\" suffix",
        "etcd_network_snapshot_send_success counter metrics should have \"_total\" suffix",
        "etcd_network_snapshot_send_failures counter metrics should have \"_total\" suffix",
        "etcd_network_snapshot_receive_success counter metrics should have \"_total\" suffix",
    ];

    [Fact]
    public async Task Metrics_Promtool_ParsesAndFindsOnlyEtcdsOwnLintProblems()
    {
        if (!File.Exists("/usr/bin/promtool") && !File.Exists("/usr/local/bin/promtool"))
        {
            output.WriteLine("SKIPPED: promtool is not installed (Debian package 'prometheus'); the exposition was not checked.");
            return;
        }
        await using var member = await InProcessMember.StartAsync();
        await Put(member, "k");
        var scrape = await Scrape.GetAsync(member.Host.ClientUrls[0]);

        var promtool = new ProcessStartInfo("promtool", "check metrics")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(promtool)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(scrape.Text);
        process.StandardInput.Close();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        var report = (await stdout) + (await stderr);
        output.WriteLine(report);

        var problems = report.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => !EtcdsOwnLintProblems.Contains(line))
            .ToList();
        Assert.True(problems.Count == 0, "promtool reported:\n" + string.Join('\n', problems));
    }
}
