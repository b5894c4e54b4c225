namespace EtcdNet.Robustness.Runner;

/// <summary>What one run did and found; <see cref="ResultsDirectory"/> is set when it saved its files (on failure).</summary>
public sealed record RunResult(
    string Scenario,
    long Seed,
    int FaultsInjected,
    int OperationsChecked,
    IReadOnlyList<string> Violations,
    bool Skipped = false,
    string? ResultsDirectory = null)
{
    /// <summary>No violation found (an undecided run is clean but checked nothing).</summary>
    public bool Clean => Violations.Count == 0;

    /// <summary>The linearizability search hit its time limit: the run proves nothing either way.</summary>
    public bool Undecided { get; init; }
}
