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
    public bool Clean => Violations.Count == 0;
}
