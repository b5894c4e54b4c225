using EtcdNet.Robustness.History;
using EtcdNet.Robustness.Model;

namespace EtcdNet.Robustness.Checker;

/// <summary>
/// The linearizability checker's verdict. For <see cref="CheckOutcome.Ok"/>, <see cref="Linearization"/> is one valid
/// order of the checked operations (unknown-outcome writes that never needed to take effect are left out). For a
/// violation it is the longest linearizable prefix found, <see cref="Unlinearizable"/> the operations that could not
/// follow it (the first one is the operation whose return forced the search back) and <see cref="Explanation"/> why.
/// </summary>
public sealed record LinearizabilityResult(
    CheckOutcome Outcome,
    IReadOnlyList<Operation> Linearization,
    IReadOnlyList<Operation> Unlinearizable,
    string Explanation,
    EtcdState? StateAtFailure,
    int OperationsChecked,
    long Steps,
    TimeSpan Elapsed);
