namespace EtcdNet.Robustness.Checker;

/// <summary>What a check concluded.</summary>
public enum CheckOutcome
{
    /// <summary>The history satisfies the property.</summary>
    Ok,
    /// <summary>The history breaks the property; the result says where.</summary>
    Violation,
    /// <summary>The check gave up (time limit) before deciding.</summary>
    Unknown,
}
