using System.CommandLine;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using EtcdNet.Api.Etcdserverpb;
using Google.Protobuf;

namespace EtcdNet.Benchmark;

/// <summary>
/// The `compare` command behind `./build.sh bench`: the same workloads against a real etcd and an etcdnet member,
/// one server at a time, figures side by side in the console and in .bench/results.md.
/// </summary>
public static class CompareCommand
{
    private const int KeySize = 8;
    private const int ValSize = 256;
    private const string RangeKey = "foo";
    private const long LeaseTtl = 60;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Which command a measured workload runs.</summary>
    private enum WorkloadKind
    {
        Put,
        RangeLinearizable,
        RangeSerializable,
        LeaseKeepAlive,
        LeaseGrantRevoke,
    }

    /// <summary>One measured workload: <see cref="Total"/> requests of one kind from <see cref="Clients"/> clients.</summary>
    private sealed record Workload(string Name, int Clients, int Conns, int Total, WorkloadKind Kind);

    /// <summary>One watch-latency workload: watchers on one key as streams x watchers per stream, puts at a fixed rate.</summary>
    private sealed record WatchWorkload(string Name, WatchLatencyRun.Settings Settings);

    /// <summary>What a watch workload yielded: the latency report and the server's RSS growth per watcher.</summary>
    private sealed record WatchResult(Report Report, double BytesPerWatcher);

    /// <summary>What one server yielded: a report per workload and its memory.</summary>
    private sealed record ServerRun(Report[] Reports, WatchResult[] Watches, long IdleRss, long PeakRss, long RssAfterLoad);

    /// <summary>What a three-member cluster yielded: a report per workload and the members' summed peak RSS.</summary>
    private sealed record ClusterRun(Report[] Reports, long TotalPeakRss);

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var quick = new Option<bool>("--quick") { Description = "Smaller totals, for a fast smoke run" };
        var etcdnetDll = new Option<string>("--etcdnet-dll")
        {
            Description = "etcdnet.dll to run (default: artifacts/bin/EtcdNet/<config>/etcdnet.dll next to this tool)",
        };
        var etcd = new Option<string>("--etcd") { Description = "etcd binary to compare against", DefaultValueFactory = _ => "etcd" };
        var output = new Option<string>("--output") { Description = "Markdown file to write (default: <repo>/.bench/results.md)" };
        var command = new Command("compare", "Run the same workloads against etcd and etcdnet, one at a time, and compare")
        {
            quick, etcdnetDll, etcd, output,
        };
        command.SetAction((parse, ct) => RunAsync(
            parse.GetValue(quick),
            parse.GetValue(etcdnetDll) ?? DefaultEtcdnetDll(),
            parse.GetRequiredValue(etcd),
            parse.GetValue(output) ?? Path.Combine(RepoRoot(), ".bench", "results.md"),
            ct));
        return command;
    }

    private static async Task<int> RunAsync(bool quick, string etcdnetDll, string etcdBinary, string outputPath, CancellationToken ct)
    {
        if (!File.Exists(etcdnetDll))
        {
            await Console.Error.WriteLineAsync($"compare: {etcdnetDll} not found; build src/EtcdNet -c Release first").ConfigureAwait(false);
            return 1;
        }

        var workloads = Workloads(quick);
        var watchWorkloads = WatchWorkloads(quick);
        var clusterWorkloads = ClusterWorkloads(quick);
        // etcdnet goes first so a server that does not start fails the run before etcd's minute of load.
        var etcdnet = await MeasureAsync("etcdnet", "dotnet", [etcdnetDll], workloads, watchWorkloads, quick, ct).ConfigureAwait(false);
        if (etcdnet is null)
        {
            return 1;
        }

        var etcdnetCluster = await MeasureClusterAsync("etcdnet", "dotnet", [etcdnetDll], clusterWorkloads, quick, ct).ConfigureAwait(false);
        if (etcdnetCluster is null)
        {
            return 1;
        }

        var etcd = await MeasureAsync("etcd", etcdBinary, [], workloads, watchWorkloads, quick, ct).ConfigureAwait(false);
        if (etcd is null)
        {
            return 1;
        }

        var etcdCluster = await MeasureClusterAsync("etcd", etcdBinary, [], clusterWorkloads, quick, ct).ConfigureAwait(false);
        if (etcdCluster is null)
        {
            return 1;
        }

        var table = new ComparisonTable();
        int errors = 0;
        for (int i = 0; i < workloads.Length; i++)
        {
            table.AddWorkload(workloads[i].Name, etcd.Reports[i], etcdnet.Reports[i]);
            errors += etcd.Reports[i].ErrorCount + etcdnet.Reports[i].ErrorCount;
        }

        table.AddMemory("RSS idle", etcd.IdleRss, etcdnet.IdleRss);
        table.AddMemory("peak RSS (VmHWM)", etcd.PeakRss, etcdnet.PeakRss);
        table.AddMemory("RSS after load", etcd.RssAfterLoad, etcdnet.RssAfterLoad);
        for (int i = 0; i < clusterWorkloads.Length; i++)
        {
            table.AddWorkload(clusterWorkloads[i].Name, etcdCluster.Reports[i], etcdnetCluster.Reports[i]);
            errors += etcdCluster.Reports[i].ErrorCount + etcdnetCluster.Reports[i].ErrorCount;
        }

        table.AddMemory("3-member peak RSS (sum of VmHWM)", etcdCluster.TotalPeakRss, etcdnetCluster.TotalPeakRss);

        var watchTable = new ComparisonTable(["watch-latency", "etcd", "etcdnet", "etcdnet/etcd"]);
        for (int i = 0; i < watchWorkloads.Length; i++)
        {
            AddWatchRows(watchTable, watchWorkloads[i].Name, etcd.Watches[i], etcdnet.Watches[i]);
            errors += etcd.Watches[i].Report.ErrorCount + etcdnet.Watches[i].Report.ErrorCount;
        }

        Console.WriteLine();
        Console.Write(table.ToText());
        Console.WriteLine();
        Console.Write(watchTable.ToText());
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outputPath))!);
        await File.WriteAllTextAsync(outputPath, Markdown(table, watchTable, quick, etcdBinary), ct).ConfigureAwait(false);
        Console.WriteLine($"\nwrote {outputPath}");
        if (errors > 0)
        {
            await Console.Error.WriteLineAsync($"compare: {errors} requests failed").ConfigureAwait(false);
            return 1;
        }

        return 0;
    }

    private static Workload[] Workloads(bool quick)
    {
        int small = quick ? 200 : 2000;
        int large = quick ? 2000 : 20000;
        // 50 clients on 5 conns keeps etcd's published ratio of ten clients a connection.
        // A grant+revoke pair is two writes through raft, so its totals are halved to keep the run's length.
        return
        [
            new($"put, 1 client ({small})", 1, 1, small, WorkloadKind.Put),
            new($"put, 50 clients ({large})", 50, 5, large, WorkloadKind.Put),
            new($"range l, 1 client ({small})", 1, 1, small, WorkloadKind.RangeLinearizable),
            new($"range l, 50 clients ({large})", 50, 5, large, WorkloadKind.RangeLinearizable),
            new($"range s, 1 client ({small})", 1, 1, small, WorkloadKind.RangeSerializable),
            new($"range s, 50 clients ({large})", 50, 5, large, WorkloadKind.RangeSerializable),
            new($"lease-keepalive, 1 client ({small})", 1, 1, small, WorkloadKind.LeaseKeepAlive),
            new($"lease-keepalive, 50 clients ({large})", 50, 5, large, WorkloadKind.LeaseKeepAlive),
            new($"lease-grant-revoke, 1 client ({small / 2})", 1, 1, small / 2, WorkloadKind.LeaseGrantRevoke),
            new($"lease-grant-revoke, 50 clients ({large / 2})", 50, 5, large / 2, WorkloadKind.LeaseGrantRevoke),
        ];
    }

    // Puts only: what replication costs is the write path; the clients talk to the leader as etcd's --target-leader does.
    private static Workload[] ClusterWorkloads(bool quick)
    {
        int small = quick ? 200 : 2000;
        int large = quick ? 2000 : 20000;
        return
        [
            new($"3-member put, 1 client ({small})", 1, 1, small, WorkloadKind.Put),
            new($"3-member put, 50 clients ({large})", 50, 5, large, WorkloadKind.Put),
        ];
    }

    // 1,000 and 10,000 watchers on one key, 100 streams over 10 connections (etcd's benchmark packs ten clients on a
    // connection); the put rate keeps deliveries near 20k-50k events/s, which one client process can take in.
    private static WatchWorkload[] WatchWorkloads(bool quick)
    {
        int puts = quick ? 20 : 200;
        return
        [
            new($"1,000 watchers, {puts} puts at 50/s", new(Streams: 100, WatchersPerStream: 10, PutTotal: puts, PutRate: 50, KeySize: 32, ValSize: 32)),
            new($"10,000 watchers, {puts / 4} puts at 5/s", new(Streams: 100, WatchersPerStream: 100, PutTotal: puts / 4, PutRate: 5, KeySize: 32, ValSize: 32)),
        ];
    }

    private static void AddWatchRows(ComparisonTable table, string name, WatchResult etcd, WatchResult etcdnet)
    {
        static string Ms(double seconds) => (seconds * 1000).ToString("F2", CultureInfo.InvariantCulture) + " ms";
        static string Ratio(double ours, double theirs) => theirs > 0 ? (ours / theirs).ToString("F2", CultureInfo.InvariantCulture) : "n/a";
        static string Bytes(double b) => b.ToString("F0", CultureInfo.InvariantCulture) + " B";
        foreach (double p in (double[])[50, 99])
        {
            table.AddRow($"{name}: p{p} delivery", Ms(etcd.Report.Percentile(p)), Ms(etcdnet.Report.Percentile(p)),
                Ratio(etcdnet.Report.Percentile(p), etcd.Report.Percentile(p)));
        }
        table.AddRow($"{name}: RSS per watcher", Bytes(etcd.BytesPerWatcher), Bytes(etcdnet.BytesPerWatcher), Ratio(etcdnet.BytesPerWatcher, etcd.BytesPerWatcher));
        if (etcd.Report.ErrorCount + etcdnet.Report.ErrorCount > 0)
        {
            table.AddRow($"{name}: errors", etcd.Report.ErrorCount.ToString(CultureInfo.InvariantCulture),
                etcdnet.Report.ErrorCount.ToString(CultureInfo.InvariantCulture), "");
        }
    }

    // Watchers are created, the RSS growth noted, then puts run; the streams are closed before the next workload.
    private static async Task<WatchResult> MeasureWatchAsync(ServerLauncher server, Uri[] endpoints, WatchWorkload w, CancellationToken ct)
    {
        long before = server.ReadMemory().Current;
        await using var run = await WatchLatencyRun.StartAsync(endpoints, 10, w.Settings, ct).ConfigureAwait(false);
        long after = server.ReadMemory().Current;
        var report = await run.RunAsync(TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
        return new WatchResult(report, (after - before) / (double)w.Settings.Watchers);
    }

    // Null when the server did not start or died; its output has been printed by then.
    private static async Task<ServerRun?> MeasureAsync(
        string name, string fileName, string[] leadingArgs, Workload[] workloads, WatchWorkload[] watchWorkloads, bool quick, CancellationToken ct)
    {
        Console.WriteLine($"== {name}");
        ServerLauncher started;
        try
        {
            started = ServerLauncher.Start(name, fileName, leadingArgs);
        }
        catch (Win32Exception e)
        {
            await Console.Error.WriteLineAsync($"compare: cannot start {fileName}: {e.Message}").ConfigureAwait(false);
            return null;
        }

        using var server = started;
        try
        {
            await server.WaitHealthyAsync(StartTimeout, ct).ConfigureAwait(false);
            long idle = server.ReadMemory().Current;
            Console.WriteLine($"{name} pid {server.Pid} healthy at {server.ClientUrl}");
            var endpoints = new[] { server.ClientUrl };
            await WarmUpAsync(endpoints, quick ? 100 : 1000, ct).ConfigureAwait(false);
            await WarmUpLeasesAsync(endpoints, quick ? 100 : 1000, ct).ConfigureAwait(false);

            var reports = await RunWorkloadsAsync(name, endpoints, workloads, () => server.HasExited, ct).ConfigureAwait(false);

            var (peak, current) = server.ReadMemory();
            var watches = new WatchResult[watchWorkloads.Length];
            // Unmeasured, as for KV: the watch path's first events otherwise measure etcdnet's JIT, not its steady state.
            await using (var warm = await WatchLatencyRun.StartAsync(endpoints, 10, new(100, 10, quick ? 20 : 100, 50, 32, 32), ct).ConfigureAwait(false))
            {
                await warm.RunAsync(TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
            }

            for (int i = 0; i < watchWorkloads.Length; i++)
            {
                var w = watchWorkloads[i];
                watches[i] = await MeasureWatchAsync(server, endpoints, w, ct).ConfigureAwait(false);
                var r = watches[i].Report;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{name,-8} {w.Name,-34} p50 {r.Percentile(50) * 1000,7:F2} ms  p99 {r.Percentile(99) * 1000,7:F2} ms  {watches[i].BytesPerWatcher,7:F0} B/watcher  errors {r.ErrorCount}"));
                if (r.ErrorCount > 0)
                {
                    Console.Write(r.Format());
                }

                if (server.HasExited)
                {
                    throw new InvalidOperationException($"{name} exited during \"{w.Name}\"");
                }
            }

            return new ServerRun(reports, watches, idle, peak, current);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await Console.Error.WriteLineAsync($"compare: {name}: {e.Message}\n--- {name} output (last lines) ---\n{server.RecentOutput()}\n---")
                .ConfigureAwait(false);
            return null;
        }
    }

    // Null when the cluster did not start, found no leader or lost a member; its output has been printed by then.
    private static async Task<ClusterRun?> MeasureClusterAsync(
        string name, string fileName, string[] leadingArgs, Workload[] workloads, bool quick, CancellationToken ct)
    {
        Console.WriteLine($"== {name}, 3 members");
        ClusterLauncher started;
        try
        {
            started = ClusterLauncher.Start(name, fileName, leadingArgs);
        }
        catch (Win32Exception e)
        {
            await Console.Error.WriteLineAsync($"compare: cannot start {fileName}: {e.Message}").ConfigureAwait(false);
            return null;
        }

        using var cluster = started;
        try
        {
            await cluster.WaitHealthyAsync(StartTimeout, ct).ConfigureAwait(false);
            var leader = await cluster.FindLeaderAsync(StartTimeout, ct).ConfigureAwait(false);
            Console.WriteLine($"{name} cluster healthy, leader {leader.Name} (pid {leader.Pid}) at {leader.ClientUrl}");
            var endpoints = new[] { leader.ClientUrl };
            await WarmUpAsync(endpoints, quick ? 100 : 1000, ct).ConfigureAwait(false);
            var reports = await RunWorkloadsAsync(name, endpoints, workloads, () => cluster.AnyExited, ct).ConfigureAwait(false);
            return new ClusterRun(reports, cluster.TotalPeakRss());
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await Console.Error.WriteLineAsync($"compare: {name} cluster: {e.Message}\n{cluster.RecentOutput()}---").ConfigureAwait(false);
            return null;
        }
    }

    // The KV workloads one after another on fresh connections; throws if the server (or a member) exits meanwhile.
    private static async Task<Report[]> RunWorkloadsAsync(string name, Uri[] endpoints, Workload[] workloads, Func<bool> exited, CancellationToken ct)
    {
        var reports = new Report[workloads.Length];
        for (int i = 0; i < workloads.Length; i++)
        {
            var w = workloads[i];
            using var kv = new KvConnections(endpoints, w.Conns);
            reports[i] = await RunWorkloadAsync(kv, w, ct).ConfigureAwait(false);
            var r = reports[i];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-8} {w.Name,-40} {r.RequestsPerSecond,10:F0} req/s  p50 {r.Percentile(50) * 1000,8:F2} ms  p99 {r.Percentile(99) * 1000,8:F2} ms  errors {r.ErrorCount}"));
            if (r.ErrorCount > 0)
            {
                Console.Write(r.Format());
            }

            if (exited())
            {
                throw new InvalidOperationException($"{name} exited during \"{w.Name}\"");
            }
        }

        return reports;
    }

    private static Task<Report> RunWorkloadAsync(KvConnections kv, Workload w, CancellationToken ct) => w.Kind switch
    {
        WorkloadKind.Put => PutCommand.RunAsync(kv, w.Clients, PutSettings(w.Total), ct),
        WorkloadKind.RangeLinearizable => RangeCommand.RunAsync(kv, w.Clients, new RangeCommand.Settings(RangeKey, "", w.Total, false, 0), ct),
        WorkloadKind.RangeSerializable => RangeCommand.RunAsync(kv, w.Clients, new RangeCommand.Settings(RangeKey, "", w.Total, true, 0), ct),
        WorkloadKind.LeaseKeepAlive => LeaseKeepAliveCommand.RunAsync(kv, w.Clients, new LeaseKeepAliveCommand.Settings(w.Total, 0), ct),
        WorkloadKind.LeaseGrantRevoke => LeaseGrantRevokeCommand.RunAsync(kv, w.Clients, new LeaseGrantRevokeCommand.Settings(w.Total, LeaseTtl, 0), ct),
        _ => throw new ArgumentOutOfRangeException(nameof(w), w.Kind, "unknown workload"),
    };

    // The lease path gets its own unmeasured round, checked for sense first: a keepalive renews a granted lease and
    // answers TTL 0 once that lease is revoked.
    private static async Task WarmUpLeasesAsync(Uri[] endpoints, int total, CancellationToken ct)
    {
        using var kv = new KvConnections(endpoints, 1);
        var granted = await kv.LeaseGrantAsync(0, new LeaseGrantRequest { TTL = LeaseTtl }, ct).ConfigureAwait(false);
        long renewed = await KeepAliveOnceAsync(kv, granted.ID, ct).ConfigureAwait(false);
        await kv.LeaseRevokeAsync(0, new LeaseRevokeRequest { ID = granted.ID }, ct).ConfigureAwait(false);
        long afterRevoke = await KeepAliveOnceAsync(kv, granted.ID, ct).ConfigureAwait(false);
        if (granted.ID == 0 || renewed <= 0 || afterRevoke != 0)
        {
            throw new InvalidOperationException(
                $"lease {granted.ID}: keepalive answered TTL {renewed} after grant and {afterRevoke} after revoke (want > 0, then 0)");
        }

        var keepAlive = await LeaseKeepAliveCommand.RunAsync(kv, 10, new(total, 0), ct).ConfigureAwait(false);
        var grantRevoke = await LeaseGrantRevokeCommand.RunAsync(kv, 10, new(total / 2, LeaseTtl, 0), ct).ConfigureAwait(false);
        if (keepAlive.ErrorCount > 0 || grantRevoke.ErrorCount > 0)
        {
            throw new InvalidOperationException("lease warm-up requests failed:" + keepAlive.Format() + grantRevoke.Format());
        }
    }

    private static async Task<long> KeepAliveOnceAsync(KvConnections kv, long id, CancellationToken ct)
    {
        await using var stream = kv.LeaseKeepAlive(0, ct);
        await stream.WriteAsync(new LeaseKeepAliveRequest { ID = id }).ConfigureAwait(false);
        if (!await stream.Responses.MoveNextAsync(ct).ConfigureAwait(false))
        {
            throw new InvalidOperationException("lease keepalive stream ended without an answer");
        }

        return stream.Responses.Current.TTL;
    }

    // Unmeasured load first: the JIT (ours and etcdnet's) and both page caches settle, and the range key exists.
    private static async Task WarmUpAsync(Uri[] endpoints, int total, CancellationToken ct)
    {
        using var kv = new KvConnections(endpoints, 1);
        var key = new PutRequest
        {
            Key = ByteString.CopyFromUtf8(RangeKey),
            Value = ByteString.CopyFrom(new byte[ValSize]),
        };
        await kv.PutAsync(0, key, ct).ConfigureAwait(false);
        // Fast answers are worth nothing if they are wrong: the key just written must read back whole.
        var read = await kv.RangeAsync(0, new RangeRequest { Key = key.Key }, ct).ConfigureAwait(false);
        if (read.Kvs.Count != 1 || !read.Kvs[0].Value.Equals(key.Value))
        {
            throw new InvalidOperationException($"range {RangeKey} after put returned {read.Kvs.Count} keys, not the value written");
        }

        var put = await PutCommand.RunAsync(kv, 10, PutSettings(total), ct).ConfigureAwait(false);
        var range = await RangeCommand.RunAsync(kv, 10, new RangeCommand.Settings(RangeKey, "", total, false, 0), ct).ConfigureAwait(false);
        if (put.ErrorCount > 0 || range.ErrorCount > 0)
        {
            throw new InvalidOperationException("warm-up requests failed:" + put.Format() + range.Format());
        }
    }

    // Distinct sequential keys, so the key index grows as in a real load instead of overwriting one key.
    private static PutCommand.Settings PutSettings(int total) =>
        new(total, KeySize, ValSize, SequentialKeys: true, KeySpaceSize: 1_000_000, Rate: 0);

    private static string Markdown(ComparisonTable table, ComparisonTable watchTable, bool quick, string etcdBinary)
    {
        var s = new StringBuilder();
        s.Append("# etcdnet vs etcd\n\n");
        s.Append(CultureInfo.InvariantCulture,
            $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {EtcdVersion(etcdBinary)}{(quick ? ", --quick" : "")}.\n\n");
        s.Append("Each server ran alone as a single member on 127.0.0.1 with a fresh data dir, after an unmeasured warm-up.\n");
        s.Append("The 3-member rows ran against a cluster of three such processes (the Procfile's flags, free ports), one cluster at\n");
        s.Append("a time, with the clients on the leader (found by Maintenance.Status); its RSS is the sum of the members' VmHWM.\n");
        s.Append(CultureInfo.InvariantCulture,
            $"Keys {KeySize} B (sequential), values {ValSize} B; ranges read one key; 1 client uses 1 connection, 50 clients use 5.\n");
        s.Append(CultureInfo.InvariantCulture,
            $"lease-keepalive: each client renews a lease of its own (TTL {LeaseKeepAliveCommand.LeaseTtl}) over a LeaseKeepAlive stream of its own, one\n");
        s.Append(CultureInfo.InvariantCulture,
            $"request in flight; lease-grant-revoke: each client grants a lease (TTL {LeaseTtl}) and revokes it at once, and req/s counts\n");
        s.Append("those pairs, latency the pair's.\n");
        s.Append("For req/s a ratio above 1 means etcdnet is faster; for memory a ratio below 1 means etcdnet uses less.\n\n");
        s.Append(table.ToMarkdown());
        s.Append("\nwatch-latency: watchers on one key (100 streams over 10 connections), puts at a fixed rate on a connection of\n");
        s.Append("their own; delivery is the time from sending a put to its event reaching a watcher, over every (put, watcher) pair.\n");
        s.Append("RSS per watcher is the server's RSS growth while the watchers were created, divided by their number; it is a\n");
        s.Append("lower bound where a garbage-collected heap reuses memory freed after the earlier load (etcdnet's and Go's alike).\n");
        s.Append("For latency and memory a ratio below 1 means etcdnet does better.\n\n");
        s.Append(watchTable.ToMarkdown());
        return s.ToString();
    }

    private static string EtcdVersion(string etcdBinary)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo(etcdBinary, "--version") { RedirectStandardOutput = true })!;
            string first = p.StandardOutput.ReadLine() ?? "";
            p.WaitForExit(5000);
            // "etcd Version: 3.4.23"
            return "etcd " + first[(first.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        }
        catch (Win32Exception)
        {
            return "etcd (version unknown)";
        }
    }

    // Both tools build to artifacts/bin/<Project>/<config>/, so etcdnet sits two folders over from this assembly.
    private static string DefaultEtcdnetDll()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string bin = here.Parent?.Parent?.FullName ?? here.FullName;
        return Path.Combine(bin, "EtcdNet", here.Name, "etcdnet.dll");
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EtcdNet.sln")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
