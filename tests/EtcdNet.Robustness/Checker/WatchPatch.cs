using EtcdNet.Robustness.History;

namespace EtcdNet.Robustness.Checker;

/// <summary>
/// Uses watch events to settle writes whose outcome was unknown, as etcd's robustness tests do: a Put (or a Txn made
/// only of puts) whose unique value some watch saw took effect at that event's revision, and had returned by the time
/// the watch received it. This narrows the linearizability search a lot. Values must be unique per put for this to be
/// sound; a value put by more than one request is left alone.
/// </summary>
public static class WatchPatch
{
    /// <summary>The operations with every unknown put that a watch saw made known.</summary>
    public static IReadOnlyList<Operation> Apply(IReadOnlyList<Operation> operations, IReadOnlyList<WatchRecord> watches)
    {
        var firstSeen = new Dictionary<(string Key, string Value), (long Revision, long Received)>();
        foreach (var watch in watches)
        {
            foreach (var response in watch.Responses)
            {
                foreach (var e in response.Events.Where(e => e.Type == WatchEventType.Put))
                {
                    if (!firstSeen.TryGetValue((e.Key, e.Value), out var known) || response.ReceivedNanos < known.Received)
                    {
                        firstSeen[(e.Key, e.Value)] = (e.ModRevision, response.ReceivedNanos);
                    }
                }
            }
        }
        var putCount = new Dictionary<(string, string), int>();
        foreach (var op in operations)
        {
            foreach (var put in Puts(op.Request))
            {
                putCount[(put.Key, put.Value)] = putCount.GetValueOrDefault((put.Key, put.Value)) + 1;
            }
        }

        var patched = new List<Operation>(operations.Count);
        foreach (var op in operations)
        {
            patched.Add(op.IsUnknown ? Settle(op, firstSeen, putCount) : op);
        }
        return patched;
    }

    private static Operation Settle(Operation op, Dictionary<(string, string), (long Revision, long Received)> firstSeen, Dictionary<(string, string), int> putCount)
    {
        switch (op.Request)
        {
            case PutRequest put when putCount[(put.Key, put.Value)] == 1 && firstSeen.TryGetValue((put.Key, put.Value), out var seen):
                return op with { ReturnNanos = Math.Max(seen.Received, op.CallNanos), Response = new PutResponse(seen.Revision) };
            case TxnRequest txn:
            {
                // Only a branch made of puts alone has a response the watch fully determines.
                foreach (var (branch, succeeded) in new[] { (txn.Success, true), (txn.Failure, false) })
                {
                    var puts = branch.OfType<TxnPut>().ToList();
                    if (puts.Count == 0 || puts.Count != branch.Count || puts.Any(p => putCount[(p.Key, p.Value)] != 1))
                    {
                        continue;
                    }
                    if (firstSeen.TryGetValue((puts[0].Key, puts[0].Value), out var hit))
                    {
                        var results = puts.Select(_ => (TxnOpResult)new TxnPutResult()).ToList();
                        return op with { ReturnNanos = Math.Max(hit.Received, op.CallNanos), Response = new TxnResponse(hit.Revision, succeeded, results) };
                    }
                }
                return op;
            }
            default:
                return op;
        }
    }

    private static IEnumerable<TxnPut> Puts(Request request) => request switch
    {
        PutRequest put => [new TxnPut(put.Key, put.Value, put.Lease)],
        TxnRequest txn => txn.Success.Concat(txn.Failure).OfType<TxnPut>(),
        _ => [],
    };
}
