namespace EtcdNet.Robustness.History;

/// <summary>A member's whole keyspace read at the end of a run (for the lost-write check).</summary>
public sealed record MemberState(string Member, long Revision, IReadOnlyList<KeyValue> Kvs);

/// <summary>
/// What a run recorded: the seed and scenario that reproduce it, every KV operation, every watch, and optionally the
/// members' final states. This is what a failing run saves and what the checkers read.
/// </summary>
public sealed record RecordedHistory(
    long Seed,
    string Scenario,
    IReadOnlyList<Operation> Operations,
    IReadOnlyList<WatchRecord> Watches,
    IReadOnlyList<MemberState>? FinalStates = null)
{
    /// <summary>A history with only KV operations.</summary>
    public static RecordedHistory Of(IReadOnlyList<Operation> operations) => new(0, "", operations, []);
}
