using EtcdNet.Robustness.Checker;
using EtcdNet.Robustness.History;

namespace EtcdNet.Robustness.Runner;

/// <summary>Runs every checker on a recorded history and turns their verdicts into violation lines.</summary>
public static class RunChecks
{
    /// <summary>What the checkers concluded about one run.</summary>
    public sealed record Verdict(IReadOnlyList<string> Violations, int OperationsChecked, bool Undecided);

    /// <summary>Checks <paramref name="history"/>: linearizability, reads, watches, lost writes, revision order.
    /// A search that hit its time limit is undecided: no violation, but none of its operations count as checked.</summary>
    public static Verdict Check(RecordedHistory history, TimeSpan timeout, Action<string> log)
    {
        var final = history.FinalStates is { Count: > 0 } states ? states.Max(s => s.Revision) : 0;
        var operations = UnseenWrites.Drop(history.Operations, history.Watches, final, out var dropped);
        var report = HistoryChecker.Check(history with { Operations = operations }, new CheckOptions(Timeout: timeout));
        var lin = report.Linearizability;
        log($"linearizability: {lin.Outcome} ({lin.OperationsChecked} operations, {dropped} unknown writes never seen dropped, {lin.Steps} steps, {lin.Elapsed.TotalSeconds:F1}s); " +
            $"{report.WatchEventsChecked} watch events; {report.Violations.Count} violation(s)");
        var violations = report.Violations.Select(v => v.ToString()).ToList();
        var undecided = lin.Outcome == CheckOutcome.Unknown;
        return new Verdict(violations, undecided ? 0 : lin.OperationsChecked, undecided);
    }
}
