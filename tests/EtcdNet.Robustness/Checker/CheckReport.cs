namespace EtcdNet.Robustness.Checker;

/// <summary>Everything <see cref="HistoryChecker"/> found about one history.</summary>
public sealed record CheckReport(
    LinearizabilityResult Linearizability,
    IReadOnlyList<Violation> Violations,
    int OperationsChecked,
    int WatchEventsChecked)
{
    /// <summary>Violation if any check failed; otherwise Unknown if the linearizability search gave up; otherwise Ok.</summary>
    public CheckOutcome Outcome =>
        Violations.Count > 0 ? CheckOutcome.Violation : Linearizability.Outcome;

    /// <summary>A short summary for logs.</summary>
    public override string ToString() =>
        $"{Outcome}: {OperationsChecked} operations, {WatchEventsChecked} watch events, {Violations.Count} violations, " +
        $"linearizability {Linearizability.Outcome} in {Linearizability.Elapsed.TotalMilliseconds:F0} ms" +
        string.Concat(Violations.Select(v => Environment.NewLine + v));
}
