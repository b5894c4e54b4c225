using EtcdNet.Robustness.History;

namespace EtcdNet.Robustness.Checker;

/// <summary>One broken guarantee: which check found it, what is wrong, and the operations involved.</summary>
public sealed record Violation(string Check, string Message, IReadOnlyList<Operation> Operations)
{
    /// <summary>One line per violation for logs.</summary>
    public override string ToString() =>
        $"[{Check}] {Message}" + string.Concat(Operations.Select(op => Environment.NewLine + "    " + op));
}
