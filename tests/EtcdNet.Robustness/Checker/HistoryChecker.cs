using EtcdNet.Robustness.History;
using EtcdNet.Robustness.Model;

namespace EtcdNet.Robustness.Checker;

/// <summary>
/// Runs every check on a recorded history: linearizability of the KV operations, then, against the replayed
/// linearization, past-revision and serializable reads, watches and the members' final states, plus per-client
/// revision order. The entry point for the robustness runner and for re-checking a saved history file.
/// </summary>
public static class HistoryChecker
{
    /// <summary>Checks <paramref name="history"/>.</summary>
    public static CheckReport Check(RecordedHistory history, CheckOptions? options = null, CancellationToken cancel = default)
    {
        options ??= new CheckOptions();
        var operations = options.PatchFromWatches ? WatchPatch.Apply(history.Operations, history.Watches) : history.Operations;
        var violations = new List<Violation>();
        violations.AddRange(RevisionCheck.Check(operations, options.SerializableInRevisionOrder));

        var linearizability = LinearizabilityChecker.Check(operations, options.Initial, options.Timeout, cancel);
        Replay? replay = null;
        if (linearizability.Outcome == CheckOutcome.Violation)
        {
            violations.Add(new Violation("linearizability", linearizability.Explanation, linearizability.Unlinearizable));
        }
        else if (linearizability.Outcome == CheckOutcome.Ok)
        {
            replay = Replay.Of(linearizability.Linearization, options.Initial);
            violations.AddRange(ReadCheck.Check(operations, replay));
        }
        violations.AddRange(WatchCheck.Check(history.Watches, replay));
        if (history.FinalStates is { Count: > 0 } finalStates)
        {
            violations.AddRange(LostWriteCheck.Check(operations, finalStates, replay));
        }
        return new CheckReport(linearizability, violations, operations.Count, WatchCheck.CountEvents(history.Watches));
    }

    /// <summary>Loads a history saved with <see cref="HistoryFile.Save"/> and checks it.</summary>
    public static CheckReport CheckFile(string path, CheckOptions? options = null, CancellationToken cancel = default) =>
        Check(HistoryFile.Load(path), options, cancel);
}
