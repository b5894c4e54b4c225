using EtcdNet.Robustness.History;

namespace EtcdNet.Robustness.Runner;

/// <summary>
/// The other half of settling unknown writes from watches (the checker's WatchPatch settles those a watch saw): when
/// the watches together delivered an event at every revision of the run, a put whose unique value no watch ever saw
/// did not take effect, and neither did a txn none of whose put values was seen (provided each of its branches either
/// puts or only reads). Such operations are dropped before checking, as etcd's robustness tests drop them; left in,
/// each one doubles the linearizability search.
/// </summary>
public static class UnseenWrites
{
    /// <summary>The operations without the unknown writes that provably never happened; unchanged when the watches
    /// did not cover every revision up to <paramref name="finalRevision"/>.</summary>
    public static IReadOnlyList<Operation> Drop(IReadOnlyList<Operation> operations, IReadOnlyList<WatchRecord> watches, long finalRevision, out int dropped)
    {
        dropped = 0;
        var revisions = new HashSet<long>();
        var seen = new HashSet<(string Key, string Value)>();
        foreach (var e in watches.SelectMany(w => w.Responses).SelectMany(r => r.Events))
        {
            revisions.Add(e.ModRevision);
            if (e.Type == WatchEventType.Put) seen.Add((e.Key, e.Value));
        }
        for (var rev = 2L; rev <= finalRevision; rev++)
        {
            if (!revisions.Contains(rev)) return operations;
        }

        var kept = new List<Operation>(operations.Count);
        foreach (var op in operations)
        {
            if (op.IsUnknown && NeverHappened(op.Request, seen)) dropped++;
            else kept.Add(op);
        }
        return kept;
    }

    private static bool NeverHappened(Request request, HashSet<(string, string)> seen) => request switch
    {
        PutRequest put => !seen.Contains((put.Key, put.Value)),
        TxnRequest txn => Branch(txn.Success, seen) && Branch(txn.Failure, seen),
        _ => false,
    };

    // A branch that would have left a trace (a put) left none, or could have changed nothing at all (reads only).
    private static bool Branch(IReadOnlyList<TxnOp> ops, HashSet<(string, string)> seen)
    {
        var puts = ops.OfType<TxnPut>().ToList();
        if (puts.Count == 0) return ops.All(op => !op.IsWrite);
        return puts.All(p => !seen.Contains((p.Key, p.Value)));
    }
}
