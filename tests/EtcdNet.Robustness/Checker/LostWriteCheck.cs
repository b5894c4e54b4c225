using EtcdNet.Robustness.History;
using EtcdNet.Robustness.Model;

namespace EtcdNet.Robustness.Checker;

/// <summary>
/// Checks that no acknowledged write was lost: every put a client saw succeed at revision R is, in each member's final
/// state, either still there with its value at mod revision R, overwritten later (a higher mod revision), or deleted
/// by an operation that may have come after it (a delete, or a put attaching the key to a lease). Also checks that the members' final states agree with each other and
/// with the replayed linearization at the same revision.
/// </summary>
public static class LostWriteCheck
{
    /// <summary>The name violations carry.</summary>
    public const string Name = "lost-write";

    /// <summary>Violations against <paramref name="finalStates"/>; <paramref name="replay"/> adds the comparison with the linearization.</summary>
    public static IReadOnlyList<Violation> Check(IReadOnlyList<Operation> operations, IReadOnlyList<MemberState> finalStates, Replay? replay = null)
    {
        var violations = new List<Violation>();
        var writes = AcknowledgedPuts(operations).ToList();
        foreach (var member in finalStates)
        {
            var kvs = member.Kvs.ToDictionary(kv => kv.Key, StringComparer.Ordinal);
            foreach (var (op, put, revision) in writes)
            {
                if (member.Revision < revision)
                {
                    violations.Add(new Violation(Name, $"member {member.Member} ended at revision {member.Revision}, below the acknowledged put of {put.Key} at {revision}", [op]));
                }
                else if (kvs.TryGetValue(put.Key, out var kv))
                {
                    if (kv.ModRevision < revision)
                    {
                        violations.Add(new Violation(Name, $"member {member.Member} holds {kv} older than the acknowledged put of {put.Key}={put.Value} at {revision}", [op]));
                    }
                    else if (kv.ModRevision == revision && kv.Value != put.Value)
                    {
                        violations.Add(new Violation(Name, $"member {member.Member} holds {kv} at the revision of the acknowledged put of {put.Key}={put.Value}", [op]));
                    }
                }
                else if (!MayBeDeletedAfter(operations, put, revision))
                {
                    violations.Add(new Violation(Name, $"member {member.Member} lost the acknowledged put of {put.Key}={put.Value} at {revision}: the key is gone and nothing deleted it later", [op]));
                }
            }
            if (replay is not null && member.Revision >= replay.Initial.Revision && member.Revision <= replay.LastRevision
                && replay.StateAt(member.Revision) is { } expected && !SameKvs(expected, member.Kvs))
            {
                violations.Add(new Violation(Name, $"member {member.Member} at revision {member.Revision} holds {{{Show(member.Kvs)}}}, the linearized history holds {{{Show(expected.Kvs.Values)}}}", []));
            }
        }
        foreach (var sameRevision in finalStates.GroupBy(m => m.Revision))
        {
            var first = sameRevision.First();
            foreach (var other in sameRevision.Skip(1))
            {
                if (!first.Kvs.OrderBy(kv => kv.Key, StringComparer.Ordinal).SequenceEqual(other.Kvs.OrderBy(kv => kv.Key, StringComparer.Ordinal)))
                {
                    violations.Add(new Violation(Name, $"members {first.Member} and {other.Member} both at revision {first.Revision} hold different keyspaces", []));
                }
            }
        }
        return violations;
    }

    /// <summary>Every put a client saw take effect, with the revision it took effect at.</summary>
    public static IEnumerable<(Operation Op, TxnPut Put, long Revision)> AcknowledgedPuts(IEnumerable<Operation> operations)
    {
        foreach (var op in operations)
        {
            switch (op.Request, op.Response)
            {
                case (PutRequest put, PutResponse response):
                    yield return (op, new TxnPut(put.Key, put.Value, put.Lease), response.Revision);
                    break;
                case (TxnRequest txn, TxnResponse response):
                    foreach (var put in (response.Succeeded ? txn.Success : txn.Failure).OfType<TxnPut>())
                    {
                        yield return (op, put, response.Revision);
                    }
                    break;
            }
        }
    }

    private static bool MayBeDeletedAfter(IReadOnlyList<Operation> operations, TxnPut put, long revision)
    {
        if (put.Lease != 0)
        {
            return true; // the lease may have been revoked or expired
        }
        foreach (var op in operations)
        {
            if (op.Response is ErrorResponse || (op.Response is not null && op.Response.Revision <= revision))
            {
                continue;
            }
            // A later put that attaches the key to a lease hands its fate to that lease, which may be revoked.
            var deletes = op.Request switch
            {
                DeleteRequest d => KeyRange.Contains(d.Key, d.RangeEnd, put.Key),
                PutRequest p => p.Key == put.Key && p.Lease != 0,
                TxnRequest t => t.Success.Concat(t.Failure).Any(o => o switch
                {
                    TxnDelete d => KeyRange.Contains(d.Key, d.RangeEnd, put.Key),
                    TxnPut p => p.Key == put.Key && p.Lease != 0,
                    _ => false,
                }),
                _ => false,
            };
            if (deletes)
            {
                return true;
            }
        }
        return false;
    }

    private static bool SameKvs(EtcdState state, IReadOnlyList<KeyValue> kvs) =>
        state.Kvs.Count == kvs.Count && kvs.All(kv => state.Kvs.TryGetValue(kv.Key, out var mine) && mine.Equals(kv));

    private static string Show(IEnumerable<KeyValue> kvs) => string.Join(", ", kvs.Select(kv => $"{kv.Key}={kv.Value}@{kv.ModRevision}"));
}
