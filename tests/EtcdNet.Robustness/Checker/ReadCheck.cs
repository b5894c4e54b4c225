using EtcdNet.Robustness.History;
using EtcdNet.Robustness.Model;

namespace EtcdNet.Robustness.Checker;

/// <summary>
/// Checks the reads the linearizability search does not fully check against the replayed linearization: a Range at a
/// past revision must return the keyspace as it was at that revision, and a serializable Range (which may be served by
/// a lagging member) must return the keyspace exactly as it was at its header revision, as etcd's robustness model does.
/// A read whose range an unknown-outcome write touched at or below its revision is not judged (see <see cref="Replay.IsUncertain"/>).
/// </summary>
public static class ReadCheck
{
    /// <summary>The name violations carry.</summary>
    public const string Name = "reads";

    /// <summary>Violations among the past-revision and serializable reads of <paramref name="operations"/>.</summary>
    public static IReadOnlyList<Violation> Check(IReadOnlyList<Operation> operations, Replay replay)
    {
        // A read past the replay's last revision may have seen a write whose outcome stayed unknown.
        var unknownWrites = operations.Any(op => op.IsUnknown && op.Request.IsWrite);
        var violations = new List<Violation>();
        foreach (var op in operations)
        {
            if (op.Request is not RangeRequest range || op.Response is not RangeResponse observed || (!range.Serializable && range.Revision == 0))
            {
                continue;
            }
            var at = range.Revision > 0 ? range.Revision : observed.Revision;
            if (range.Serializable && range.Revision > observed.Revision)
            {
                violations.Add(new Violation(Name, $"serializable read at revision {range.Revision} answered with header revision {observed.Revision}", [op]));
                continue;
            }
            if (at < replay.Initial.Revision)
            {
                continue;
            }
            if (at > replay.LastRevision)
            {
                if (!unknownWrites)
                {
                    violations.Add(new Violation(Name, $"read at revision {at} beyond the history's last revision {replay.LastRevision}", [op]));
                }
                continue;
            }
            var state = replay.StateAt(at);
            if (state is null)
            {
                continue;
            }
            var trace = new StepTrace();
            if (!EtcdModel.MatchesRange(state, range.Key, range.RangeEnd, range.Limit, observed.Kvs, observed.Count, observed.More, trace)
                && !replay.HasUncertainWrite(at, range.Key, range.RangeEnd))
            {
                violations.Add(new Violation(Name, $"read at revision {at} does not match the keyspace then: {trace.Reason}", [op]));
            }
        }
        return violations;
    }
}
