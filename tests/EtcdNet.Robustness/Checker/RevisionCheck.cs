using EtcdNet.Robustness.History;

namespace EtcdNet.Robustness.Checker;

/// <summary>
/// Checks that the header revisions one client observes never go back. Serializable reads are left out by default: a
/// client may legitimately read a lagging member after writing through the leader.
/// </summary>
public static class RevisionCheck
{
    /// <summary>The name violations carry.</summary>
    public const string Name = "revision-order";

    /// <summary>Violations of per-client revision order in <paramref name="operations"/>.</summary>
    public static IReadOnlyList<Violation> Check(IReadOnlyList<Operation> operations, bool includeSerializable = false)
    {
        var violations = new List<Violation>();
        foreach (var client in operations.GroupBy(op => op.ClientId))
        {
            Operation? highest = null;
            foreach (var op in client.OrderBy(op => op.CallNanos).ThenBy(op => op.Id))
            {
                if (op.Response is null or ErrorResponse || op.Response.Revision <= 0
                    || (!includeSerializable && op.Request is RangeRequest { Serializable: true }))
                {
                    continue;
                }
                if (highest is not null && op.Response.Revision < highest.Response!.Revision && op.CallNanos >= highest.ReturnNanos)
                {
                    violations.Add(new Violation(Name, $"client {client.Key} saw revision {op.Response.Revision} after {highest.Response.Revision}", [highest, op]));
                }
                if (highest is null || op.Response.Revision > highest.Response!.Revision)
                {
                    highest = op;
                }
            }
        }
        return violations;
    }
}
