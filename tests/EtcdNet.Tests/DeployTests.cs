using System.Collections;
using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using EtcdNet.Configuration;
using EtcdNet.TestKit;
using YamlDotNet.RepresentationModel;

namespace EtcdNet.Tests;

/// <summary>
/// The files under deploy/ stay usable: the dashboard and alerts only query metric names etcd exports, promtool
/// accepts the rules and the Prometheus config, and the member configurations they carry load as etcdnet's flags.
/// </summary>
public sealed partial class DeployTests
{
    private static readonly string Deploy = Path.Combine(RepoPaths.Root, "deploy");

    /// <summary>etcd's 13 alerts (contrib/mixin), with the `for` duration and severities of each.</summary>
    private static readonly Dictionary<string, (string For, string[] Severities)> EtcdAlerts = new(StringComparer.Ordinal)
    {
        ["etcdMembersDown"] = ("20m", ["warning"]),
        ["etcdInsufficientMembers"] = ("3m", ["critical"]),
        ["etcdNoLeader"] = ("1m", ["critical"]),
        ["etcdHighNumberOfLeaderChanges"] = ("5m", ["warning"]),
        ["etcdHighNumberOfFailedGRPCRequests"] = ("", ["warning", "critical"]),
        ["etcdGRPCRequestsSlow"] = ("10m", ["critical"]),
        ["etcdMemberCommunicationSlow"] = ("10m", ["warning"]),
        ["etcdHighNumberOfFailedProposals"] = ("15m", ["warning"]),
        ["etcdHighFsyncDurations"] = ("10m", ["warning", "critical"]),
        ["etcdHighCommitDurations"] = ("10m", ["warning"]),
        ["etcdDatabaseQuotaLowSpace"] = ("10m", ["critical"]),
        ["etcdExcessiveDatabaseGrowth"] = ("10m", ["warning"]),
        ["etcdDatabaseHighFragmentationRatio"] = ("10m", ["warning"]),
    };

    /// <summary>The stock panels of etcd's Grafana dashboard.</summary>
    private static readonly string[] StockPanels =
    [
        "Up", "RPC Rate", "Active Streams", "DB Size", "Disk Sync Duration", "Memory", "Client Traffic In",
        "Client Traffic Out", "Peer Traffic In", "Peer Traffic Out", "Raft Proposals", "Total Leader Elections Per Day",
        "Peer round trip",
    ];

    /// <summary>Metric names etcd 3.5 exports (etcd-facts §3.1) plus the collectors its dashboard and alerts read.</summary>
    private static readonly HashSet<string> EtcdMetricNames = new(StringComparer.Ordinal)
    {
        "up",
        "etcd_server_has_leader", "etcd_server_is_leader", "etcd_server_is_learner", "etcd_server_leader_changes_seen_total",
        "etcd_server_heartbeat_send_failures_total", "etcd_server_slow_apply_total", "etcd_server_proposals_committed_total",
        "etcd_server_proposals_applied_total", "etcd_server_proposals_pending", "etcd_server_proposals_failed_total",
        "etcd_server_slow_read_indexes_total", "etcd_server_read_indexes_failed_total", "etcd_server_quota_backend_bytes",
        "etcd_server_version", "etcd_server_id", "etcd_server_apply_duration_seconds", "etcd_server_client_requests_total",
        "etcd_server_health_success", "etcd_server_health_failures", "etcd_cluster_version",
        "etcd_disk_wal_fsync_duration_seconds", "etcd_disk_wal_write_duration_seconds", "etcd_disk_wal_write_bytes_total",
        "etcd_disk_backend_commit_duration_seconds", "etcd_disk_backend_defrag_duration_seconds",
        "etcd_disk_backend_snapshot_duration_seconds", "etcd_disk_defrag_inflight",
        "etcd_network_peer_sent_bytes_total", "etcd_network_peer_received_bytes_total",
        "etcd_network_peer_sent_failures_total", "etcd_network_peer_received_failures_total",
        "etcd_network_peer_round_trip_time_seconds", "etcd_network_active_peers", "etcd_network_disconnected_peers_total",
        "etcd_network_client_grpc_sent_bytes_total", "etcd_network_client_grpc_received_bytes_total",
        "etcd_network_server_stream_failures_total",
        "etcd_mvcc_db_total_size_in_bytes", "etcd_mvcc_db_total_size_in_use_in_bytes", "etcd_mvcc_db_open_read_transactions",
        "etcd_mvcc_put_total", "etcd_mvcc_delete_total", "etcd_mvcc_range_total", "etcd_mvcc_txn_total",
        "etcd_debugging_mvcc_keys_total", "etcd_debugging_mvcc_watch_stream_total", "etcd_debugging_mvcc_watcher_total",
        "etcd_debugging_mvcc_slow_watcher_total", "etcd_debugging_mvcc_current_revision", "etcd_debugging_mvcc_compact_revision",
        "grpc_server_started_total", "grpc_server_handled_total", "grpc_server_msg_received_total", "grpc_server_msg_sent_total",
        "grpc_server_handling_seconds",
        "process_resident_memory_bytes", "process_open_fds", "process_max_fds", "process_cpu_seconds_total",
    };

    // PromQL words that look like metric names but are not: operators, modifiers and aggregation clauses.
    private static readonly HashSet<string> PromQlKeywords = new(StringComparer.Ordinal)
    {
        "by", "without", "and", "or", "unless", "on", "ignoring", "group_left", "group_right", "bool", "offset",
    };

    [Fact]
    public void Dashboard_IsGrafanaJson_WithEveryStockPanel()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(Deploy, "grafana-dashboard.json")));
        var root = dashboard.RootElement;
        Assert.False(string.IsNullOrEmpty(root.GetProperty("title").GetString()));
        Assert.True(root.GetProperty("schemaVersion").GetInt32() >= 30);
        var panels = root.GetProperty("panels").EnumerateArray().ToList();
        Assert.Equal(StockPanels.Order(StringComparer.Ordinal), panels.Select(p => p.GetProperty("title").GetString()!).Order(StringComparer.Ordinal));
        var ids = new HashSet<int>();
        foreach (var panel in panels)
        {
            Assert.True(ids.Add(panel.GetProperty("id").GetInt32()), "panel ids must be unique");
            var grid = panel.GetProperty("gridPos");
            Assert.True(grid.GetProperty("x").GetInt32() + grid.GetProperty("w").GetInt32() <= 24, "panels fit Grafana's 24-column grid");
            Assert.Contains(panel.GetProperty("type").GetString(), new[] { "stat", "timeseries", "gauge" });
            Assert.Contains(panel.GetProperty("targets").EnumerateArray(), t => !string.IsNullOrWhiteSpace(t.GetProperty("expr").GetString()));
        }
    }

    [Fact]
    public void Dashboard_Queries_UseOnlyEtcdMetricNames()
    {
        var expressions = DashboardExpressions();
        var used = expressions.SelectMany(MetricNames).ToHashSet(StringComparer.Ordinal);
        var unknown = used.Where(name => !EtcdMetricNames.Contains(BaseName(name))).ToList();
        Assert.True(unknown.Count == 0, $"not etcd metric names: {string.Join(", ", unknown)}");
        // Every panel's metric shows up: guards against the extraction silently finding nothing.
        Assert.Contains("etcd_server_has_leader", used);
        Assert.Contains("etcd_disk_wal_fsync_duration_seconds_bucket", used);
        Assert.Contains("etcd_network_peer_round_trip_time_seconds_bucket", used);
        Assert.True(used.Count >= 15, $"only {used.Count} metric names found");
    }

    [Fact]
    public void MetricNames_NameOutsideAllowList_IsReported()
    {
        var names = MetricNames("sum by (instance) (rate(node_cpu_seconds_total{job=~\"$job\",mode!=\"idle\"}[5m])) / on (instance) etcd_server_has_leader").ToList();
        Assert.Equal(["node_cpu_seconds_total", "etcd_server_has_leader"], names);
        Assert.DoesNotContain("node_cpu_seconds_total", EtcdMetricNames);
    }

    [Fact]
    public void AlertRules_HaveExactlyEtcdsThirteenAlerts()
    {
        var rules = AlertRules();
        Assert.Equal(EtcdAlerts.Keys.Order(StringComparer.Ordinal), rules.Select(r => r.Alert).Distinct().Order(StringComparer.Ordinal));
        foreach (var (name, (duration, severities)) in EtcdAlerts)
        {
            var ofName = rules.Where(r => r.Alert == name).ToList();
            Assert.Equal(severities.Order(StringComparer.Ordinal), ofName.Select(r => r.Severity).Order(StringComparer.Ordinal));
            if (duration.Length > 0) Assert.All(ofName, r => Assert.Equal(duration, r.For));
        }
        // The one alert whose two severities wait differently: 10m at 1%, 5m at 5%.
        var failed = rules.Where(r => r.Alert == "etcdHighNumberOfFailedGRPCRequests").ToDictionary(r => r.Severity, r => r.For);
        Assert.Equal("10m", failed["warning"]);
        Assert.Equal("5m", failed["critical"]);
    }

    [Fact]
    public void AlertRules_SelectEtcdJobs_AndQueryOnlyEtcdMetricNames()
    {
        foreach (var rule in AlertRules())
        {
            Assert.Contains("job=~\".*etcd.*\"", rule.Expr, StringComparison.Ordinal);
            var unknown = MetricNames(rule.Expr).Where(n => !EtcdMetricNames.Contains(BaseName(n))).ToList();
            Assert.True(unknown.Count == 0, $"{rule.Alert}: not etcd metric names: {string.Join(", ", unknown)}");
        }
    }

    [Fact]
    public void PrometheusConfig_ScrapesTheProcfileMembers_AndLoadsTheAlerts()
    {
        var root = LoadYaml(Path.Combine(Deploy, "prometheus.yml"));
        var ruleFiles = ((YamlSequenceNode)root.Children[new YamlScalarNode("rule_files")]).Select(n => ((YamlScalarNode)n).Value).ToList();
        Assert.Contains("etcd-alerts.yml", ruleFiles);
        var jobs = (YamlSequenceNode)root.Children[new YamlScalarNode("scrape_configs")];
        var etcdJob = jobs.Cast<YamlMappingNode>().Single(j => ((YamlScalarNode)j.Children[new YamlScalarNode("job_name")]).Value!.Contains("etcd", StringComparison.Ordinal));
        var targets = ((YamlSequenceNode)etcdJob.Children[new YamlScalarNode("static_configs")])
            .Cast<YamlMappingNode>()
            .SelectMany(c => (YamlSequenceNode)c.Children[new YamlScalarNode("targets")])
            .Select(t => ((YamlScalarNode)t).Value!)
            .Order(StringComparer.Ordinal);
        var procfilePorts = Regex.Matches(File.ReadAllText(Path.Combine(RepoPaths.Root, "Procfile")), @"--listen-client-urls http://(127\.0\.0\.1:\d+)")
            .Select(m => m.Groups[1].Value)
            .Order(StringComparer.Ordinal);
        Assert.Equal(["127.0.0.1:22379", "127.0.0.1:2379", "127.0.0.1:32379"], targets);
        Assert.Equal(procfilePorts, targets);
    }

    [PromtoolFact]
    public void AlertRules_PassPromtoolCheckRules()
    {
        var (exitCode, output) = Promtool("check", "rules", Path.Combine(Deploy, "etcd-alerts.yml"));
        Assert.True(exitCode == 0, output);
        Assert.Contains("SUCCESS: 15 rules found", output, StringComparison.Ordinal);
    }

    [PromtoolFact]
    public void AlertRules_FireOnSyntheticSeries_AsTheirUnitTestsExpect()
    {
        var (exitCode, output) = Promtool("test", "rules", Path.Combine(Deploy, "etcd-alerts.test.yml"));
        Assert.True(exitCode == 0, output);
        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }

    [PromtoolFact]
    public void PrometheusConfig_PassesPromtoolCheckConfig()
    {
        var (exitCode, output) = Promtool("check", "config", Path.Combine(Deploy, "prometheus.yml"));
        Assert.True(exitCode == 0, output);
        Assert.Contains("1 rule files found", output, StringComparison.Ordinal);
    }

    [PromtoolFact]
    public void Dashboard_Queries_ParseAsPromQl()
    {
        // promtool parses PromQL only inside rule files: wrap each query (Grafana variables filled in) in a recording rule.
        var rules = new System.Text.StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        foreach (var (expr, i) in DashboardExpressions().Select((e, i) => (e, i)))
        {
            var filled = expr.Replace("$__rate_interval", "1m", StringComparison.Ordinal).Replace("$job", ".*etcd.*", StringComparison.Ordinal);
            rules.Append($"      - record: dashboard:query{i}\n        expr: {JsonSerializer.Serialize(filled)}\n");
        }
        var file = Path.Combine(Path.GetTempPath(), $"etcdnet-dashboard-{Environment.ProcessId}.yml");
        File.WriteAllText(file, rules.ToString());
        try
        {
            var (exitCode, output) = Promtool("check", "rules", file);
            Assert.True(exitCode == 0, output);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void SystemdEnvironmentFile_LoadsAsAMemberConfiguration()
    {
        var environment = new Hashtable();
        foreach (var line in File.ReadAllLines(Path.Combine(Deploy, "etcdnet.env")))
        {
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var (name, value) = (line[..line.IndexOf('=', StringComparison.Ordinal)], line[(line.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            Assert.StartsWith("ETCD_", name, StringComparison.Ordinal);
            environment[name] = value;
        }
        var loader = new ConfigLoader();
        var options = loader.Load([], environment).ToServerOptions();
        Assert.Empty(loader.Warnings);
        Assert.Equal("infra1", options.Name);
        Assert.StartsWith("/var/lib/etcdnet/", options.DataDir, StringComparison.Ordinal);
        Assert.Contains("etcdnet.env", File.ReadAllText(Path.Combine(Deploy, "etcdnet.service")), StringComparison.Ordinal);
        Assert.Contains("EnvironmentFile=/etc/default/etcdnet", File.ReadAllText(Path.Combine(Deploy, "etcdnet.service")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("etcdnet-0")]
    [InlineData("etcdnet-1")]
    [InlineData("etcdnet-2")]
    public void StatefulSetArgs_LoadAsAMemberOfTheInitialCluster(string pod)
    {
        var documents = new YamlStream();
        documents.Load(new StringReader(File.ReadAllText(Path.Combine(Deploy, "kubernetes", "statefulset.yaml"))));
        var set = documents.Documents.Select(d => (YamlMappingNode)d.RootNode)
            .Single(d => ((YamlScalarNode)d.Children[new YamlScalarNode("kind")]).Value == "StatefulSet");
        var spec = (YamlMappingNode)set.Children[new YamlScalarNode("spec")];
        Assert.Equal("3", ((YamlScalarNode)spec.Children[new YamlScalarNode("replicas")]).Value);
        var container = (YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)spec.Children[new YamlScalarNode("template")])
            .Children[new YamlScalarNode("spec")]).Children[new YamlScalarNode("containers")]).Children[0];
        // The kubelet expands $(VAR) from the container's env; POD_NAME comes from metadata.name.
        var env = ((YamlSequenceNode)container.Children[new YamlScalarNode("env")]).Cast<YamlMappingNode>()
            .ToDictionary(e => ((YamlScalarNode)e.Children[new YamlScalarNode("name")]).Value!,
                e => e.Children.TryGetValue(new YamlScalarNode("value"), out var v) ? ((YamlScalarNode)v).Value! : pod);
        var args = ((YamlSequenceNode)container.Children[new YamlScalarNode("args")])
            .Select(a => Regex.Replace(((YamlScalarNode)a).Value!, @"\$\((\w+)\)", m => env[m.Groups[1].Value]))
            .ToList();

        var options = new ConfigLoader().Load(args, new Hashtable()).ToServerOptions();
        Assert.Equal(pod, options.Name);
        Assert.Equal([$"http://{pod}.etcdnet:2380"], options.InitialAdvertisePeerUrls);
        Assert.Equal(3, options.InitialCluster.Split(',').Length);
    }

    [Fact]
    public void DockerfileCmd_LoadsAsAMemberConfiguration()
    {
        var dockerfile = File.ReadAllText(Path.Combine(Deploy, "Dockerfile")).Replace("\\\n", " ", StringComparison.Ordinal);
        Assert.Matches(@"(?m)^ENTRYPOINT \[""etcdnet""\]", dockerfile);
        Assert.Matches(@"(?m)^EXPOSE 2379 2380$", dockerfile);
        var cmd = Regex.Match(dockerfile, @"(?m)^CMD (\[.*\])\s*$");
        Assert.True(cmd.Success, "Dockerfile has a CMD with default flags");
        var args = JsonSerializer.Deserialize<List<string>>(cmd.Groups[1].Value)!;
        var options = new ConfigLoader().Load(args, new Hashtable()).ToServerOptions();
        Assert.Equal(["http://0.0.0.0:2379"], options.ListenClientUrls);
    }

    /// <summary>Metric names in a PromQL expression: identifiers outside label matchers, clauses and function calls.</summary>
    private static IEnumerable<string> MetricNames(string expr)
    {
        var stripped = QuotedString().Replace(expr, "\"\"");
        stripped = LabelMatchers().Replace(stripped, " ");
        stripped = RangeOrOffset().Replace(stripped, " ");
        stripped = GroupingClause().Replace(stripped, " ");
        foreach (Match match in Identifier().Matches(stripped))
        {
            var name = match.Groups[1].Value;
            var isCall = match.Groups[2].Success;
            if (isCall || PromQlKeywords.Contains(name) || name.StartsWith('$')) continue;
            yield return name;
        }
    }

    /// <summary>A histogram's series name without its _bucket/_sum/_count suffix.</summary>
    private static string BaseName(string series)
    {
        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (series.EndsWith(suffix, StringComparison.Ordinal) && EtcdMetricNames.Contains(series[..^suffix.Length])) return series[..^suffix.Length];
        }
        return series;
    }

    private static List<string> DashboardExpressions()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(Deploy, "grafana-dashboard.json")));
        return dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Select(t => t.GetProperty("expr").GetString()!)
            .ToList();
    }

    private sealed record AlertRule(string Alert, string Expr, string For, string Severity);

    private static List<AlertRule> AlertRules()
    {
        var root = LoadYaml(Path.Combine(Deploy, "etcd-alerts.yml"));
        string Scalar(YamlMappingNode node, string key) =>
            node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? ((YamlScalarNode)value).Value ?? "" : "";
        return ((YamlSequenceNode)root.Children[new YamlScalarNode("groups")]).Cast<YamlMappingNode>()
            .SelectMany(g => ((YamlSequenceNode)g.Children[new YamlScalarNode("rules")]).Cast<YamlMappingNode>())
            .Select(r => new AlertRule(Scalar(r, "alert"), Scalar(r, "expr"), Scalar(r, "for"),
                Scalar((YamlMappingNode)r.Children[new YamlScalarNode("labels")], "severity")))
            .ToList();
    }

    private static YamlMappingNode LoadYaml(string path)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(path)));
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    private static string? PromtoolPath() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "promtool"))
            .FirstOrDefault(File.Exists);

    private static (int ExitCode, string Output) Promtool(params string[] args)
    {
        var promtool = PromtoolPath()
            ?? throw new InvalidOperationException("promtool is not on PATH: CI must install Debian's `prometheus` package (apt-get install prometheus).");
        var start = new ProcessStartInfo(promtool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(60_000))
        {
            process.Kill();
            throw new TimeoutException($"promtool {string.Join(' ', args)} did not finish within 60 s");
        }
        return (process.ExitCode, stdout + stderr.Result);
    }

    /// <summary>
    /// A fact that needs promtool: skipped when it is missing on a developer machine, run (and failing with a clear
    /// message) when it is missing under CI, where build.sh is expected to have installed it.
    /// </summary>
    private sealed class PromtoolFactAttribute : FactAttribute
    {
        public PromtoolFactAttribute()
        {
            if (PromtoolPath() is null && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
            {
                Skip = "promtool not on PATH (apt-get install prometheus); set CI to make this a failure";
            }
        }
    }

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex QuotedString();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex LabelMatchers();

    [GeneratedRegex(@"\[[^\]]*\]|\boffset\s+\S+")]
    private static partial Regex RangeOrOffset();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex GroupingClause();

    [GeneratedRegex(@"(?<![\w$.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?")]
    private static partial Regex Identifier();
}
