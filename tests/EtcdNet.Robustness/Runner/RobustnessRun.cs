using System.Diagnostics;
using System.Globalization;
using EtcdNet.Robustness.Faults;
using EtcdNet.Robustness.History;
using EtcdNet.Robustness.Traffic;

namespace EtcdNet.Robustness.Runner;

/// <summary>
/// One robustness run of one scenario: a fresh 3-member cluster, KV traffic and a watch per member, the scenario's
/// fault injected a few times during the traffic, then the cluster is brought back and settles, every member's final
/// state is read, and the checkers run on the recorded history. A failing run saves its history (with the seed),
/// watch logs and member logs.
/// </summary>
public static class RobustnessRun
{
    public static async Task<RunResult> RunAsync(Fault fault, long seed, RunSettings settings, CancellationToken ct = default)
    {
        var log = settings.Log;
        if (fault.NeedsFailpoints && settings.FailpointsDll is null)
        {
            log($"{fault.Name}: skipped (no failpoints build; ./build.sh robustness makes one)");
            return new RunResult(fault.Name, seed, 0, 0, [], Skipped: true);
        }
        if (fault.NeedsPeerProxies && !PeerProxy.Available)
        {
            log($"{fault.Name}: skipped (etcdnet-proxy not built: {PeerProxy.ProxyDll})");
            return new RunResult(fault.Name, seed, 0, 0, [], Skipped: true);
        }

        log($"{fault.Name}: seed {seed}");
        var random = new Random(unchecked((int)seed ^ StableHash(fault.Name)));
        var recorder = new HistoryRecorder();
        var violations = new List<string>();
        var events = new List<string>();
        void Log(string line)
        {
            lock (events) events.Add($"{recorder.Now() / 1_000_000,8}ms {line}");
            log("  " + line);
        }

        var dll = fault.NeedsFailpoints ? settings.FailpointsDll! : settings.EtcdNetDll;
        var faults = 0;
        var checkedOps = 0;
        var undecided = false;
        RecordedHistory? history = null;
        RobustnessCluster? cluster = null;
        try
        {
            cluster = await RobustnessCluster.StartAsync(dll, fault.NeedsPeerProxies, fault.MemberArgs).ConfigureAwait(false);
            var traffic = new KvTraffic(settings.Traffic, recorder, cluster.ClientFor, seed);
            var watches = new WatchTraffic(recorder, settings.Traffic.KeyPrefix, cluster.Members.Select(m => (m.Name, (Func<EtcdClient>)(() => m.Client))).ToList());
            using var stopTraffic = CancellationTokenSource.CreateLinkedTokenSource(ct);
            using var stopWatches = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var watching = watches.RunAsync(stopWatches.Token);
            var started = Stopwatch.GetTimestamp();
            var running = traffic.RunAsync(stopTraffic.Token);
            var context = new FaultContext(cluster, random, recorder, Log);
            try
            {
                for (var i = 0; i < settings.FaultCount; i++)
                {
                    // Faults are spread over the run, so that traffic runs before, between and after them.
                    var at = settings.Duration * (i + 1) / (settings.FaultCount + 1);
                    var wait = at - Stopwatch.GetElapsedTime(started);
                    if (wait > TimeSpan.Zero) await Task.Delay(wait, ct).ConfigureAwait(false);
                    if (await fault.InjectAsync(context, ct).ConfigureAwait(false)) faults++;
                }
                var rest = settings.Duration - Stopwatch.GetElapsedTime(started);
                if (rest > TimeSpan.Zero) await Task.Delay(rest, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                violations.Add($"fault {fault.Name} could not be injected or repaired: {e.Message}");
                Log($"fault failed: {e.Message}");
            }
            finally
            {
                await stopTraffic.CancelAsync().ConfigureAwait(false);
                await running.ConfigureAwait(false);
            }
            Log($"traffic stopped after {traffic.Requests} requests; settling");

            IReadOnlyList<MemberState>? finalStates = null;
            try
            {
                await cluster.EnsureAllRunningAsync().ConfigureAwait(false);
                finalStates = await cluster.SettleAndReadAsync(settings.Traffic.KeyPrefix, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
                await WaitWatchesAsync(watches, cluster.Members.Count, finalStates[0].Revision).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                violations.Add($"cluster did not settle: {e.Message}");
                Log($"settle failed: {e.Message}");
            }
            await stopWatches.CancelAsync().ConfigureAwait(false);
            await watching.ConfigureAwait(false);

            history = recorder.Build(seed, fault.Name, finalStates);
            Log($"checking {history.Operations.Count} operations, {history.Watches.Count} watches");
            var verdict = RunChecks.Check(history, settings.CheckTimeout, Log);
            violations.AddRange(verdict.Violations);
            checkedOps = verdict.OperationsChecked;
            undecided = verdict.Undecided;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            violations.Add($"run failed: {e.Message}");
            Log($"run failed: {e}");
        }

        string? saved = null;
        if (violations.Count > 0 || undecided)
        {
            history ??= recorder.Build(seed, fault.Name);
            saved = Save(settings.ResultsRoot, fault.Name, seed, history, cluster, violations, events);
            log($"{fault.Name}: results saved under {saved}");
            foreach (var v in violations) log("  VIOLATION " + v);
        }
        if (cluster is not null) await cluster.DisposeAsync().ConfigureAwait(false);
        var verdictText = violations.Count > 0 ? $"{violations.Count} violation(s)" : undecided ? "UNDECIDED (linearizability search hit its time limit)" : "clean";
        log($"{fault.Name}: {faults} fault(s) injected, {checkedOps} operations checked, {verdictText}");
        return new RunResult(fault.Name, seed, faults, checkedOps, violations, ResultsDirectory: saved) { Undecided = undecided };
    }

    /// <summary>Waits until every member's watch has delivered the final revision (bounded: a missing event is the
    /// watch checker's to report).</summary>
    private static async Task WaitWatchesAsync(WatchTraffic watches, int members, long finalRevision)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline && Enumerable.Range(0, members).Any(i => watches.LastRevision(i) < finalRevision))
        {
            await Task.Delay(100).ConfigureAwait(false);
        }
    }

    private static string Save(string root, string scenario, long seed, RecordedHistory history, RobustnessCluster? cluster,
        IReadOnlyList<string> violations, List<string> events)
    {
        var dir = Path.Combine(root, $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{scenario}-{seed}");
        Directory.CreateDirectory(dir);
        HistoryFile.Save(history, Path.Combine(dir, "history.json"));
        File.WriteAllText(Path.Combine(dir, "seed"), seed.ToString(CultureInfo.InvariantCulture) + "\n");
        File.WriteAllLines(Path.Combine(dir, "violations.txt"), violations);
        lock (events) File.WriteAllLines(Path.Combine(dir, "faults.log"), events);
        File.WriteAllText(Path.Combine(dir, "watches.json"), System.Text.Json.JsonSerializer.Serialize(history.Watches, HistoryFile.Options));
        cluster?.SaveLogs(Path.Combine(dir, "members"));
        File.WriteAllText(Path.Combine(dir, "rerun"), $"./build.sh robustness {scenario} {seed}\n");
        return dir;
    }

    // string.GetHashCode is randomised per process; a seed must mean the same thing every time.
    private static int StableHash(string text)
    {
        var hash = 17;
        foreach (var c in text) hash = unchecked(hash * 31 + c);
        return hash;
    }
}
