using EtcdNet.Robustness.History;

namespace EtcdNet.Robustness.Model;

/// <summary>
/// What a model step can report beyond its next state: why a response cannot be observed, and the watch events a write
/// produced. The search passes none (a step must not allocate messages on the hot path); explanations and replays do.
/// </summary>
public sealed class StepTrace(bool recordEvents = false)
{
    /// <summary>Why the last step rejected its response, when it did.</summary>
    public string? Reason { get; private set; }

    /// <summary>Events produced by the steps taken so far, in order (null unless events are recorded).</summary>
    public List<WatchEvent>? Events { get; } = recordEvents ? [] : null;

    /// <summary>Notes why the step failed; returns null so a step can <c>return trace?.Fail(...)</c>.</summary>
    public EtcdState? Fail(string reason)
    {
        Reason = reason;
        return null;
    }
}
