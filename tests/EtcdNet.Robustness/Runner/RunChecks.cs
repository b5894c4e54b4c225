using EtcdNet.Robustness.Checker;
using EtcdNet.Robustness.History;

namespace EtcdNet.Robustness.Runner;

/// <summary>Runs every checker on a recorded history and turns their verdicts into violation lines.</summary>
public static class RunChecks
{
    /// <summary>The violations found (empty when clean); "unknown" verdicts of the search count as violations too,
    /// since an unchecked run proves nothing.</summary>
    public static IReadOnlyList<string> Check(RecordedHistory history, TimeSpan timeout, Action<string> log)
    {
        var violations = new List<string>();
        var lin = LinearizabilityChecker.Check(history.Operations, timeout: timeout);
        log($"  linearizability: {lin.Outcome} ({lin.OperationsChecked} operations, {lin.Steps} steps, {lin.Elapsed.TotalSeconds:F1}s)");
        if (lin.Outcome != CheckOutcome.Ok) violations.Add($"linearizability: {lin.Outcome}: {lin.Explanation}");
        return violations;
    }

    /// <summary>Operations the linearizability checker takes into its search.</summary>
    public static int Checked(RecordedHistory history) => history.Operations.Count(LinearizabilityChecker.IsChecked);
}
