using EtcdNet.Robustness.History;

namespace EtcdNet.Robustness.Model;

/// <summary>
/// The states and watch events of a linearized history, revision by revision: what reads at a past revision,
/// serializable reads and watches are checked against.
/// </summary>
public sealed class Replay
{
    private readonly Dictionary<long, EtcdState> _states = [];
    private readonly Dictionary<long, List<WatchEvent>> _events = [];
    private readonly SortedSet<long> _uncertain = [];

    private Replay(EtcdState initial)
    {
        Initial = initial;
        Final = initial;
        _states[initial.Revision] = initial;
    }

    /// <summary>The state before the first operation.</summary>
    public EtcdState Initial { get; }

    /// <summary>The state after the last operation.</summary>
    public EtcdState Final { get; private set; }

    /// <summary>The highest revision the replay reached.</summary>
    public long LastRevision => Final.Revision;

    /// <summary>Replays <paramref name="linearization"/> (in order) from <paramref name="initial"/> (an empty store at revision 1 by default).</summary>
    /// <exception cref="ArgumentException">An operation cannot follow its predecessors (not a linearization).</exception>
    public static Replay Of(IEnumerable<Operation> linearization, EtcdState? initial = null)
    {
        var replay = new Replay(initial ?? EtcdState.Empty());
        foreach (var op in linearization)
        {
            var trace = new StepTrace(recordEvents: true);
            var next = EtcdModel.Step(replay.Final, op.Request, op.Response, trace)
                ?? throw new ArgumentException($"{op} cannot follow {replay.Final}: {trace.Reason}", nameof(linearization));
            if (trace.Events is { Count: > 0 } events)
            {
                replay._events[next.Revision] = events;
                if (op.IsUnknown)
                {
                    replay._uncertain.Add(next.Revision);
                }
            }
            replay._states[next.Revision] = next;
            replay.Final = next;
        }
        return replay;
    }

    /// <summary>The state at <paramref name="revision"/>, or null when the replay never held that revision.</summary>
    public EtcdState? StateAt(long revision)
    {
        if (_states.TryGetValue(revision, out var state))
        {
            return state;
        }
        // Revisions before the first one replayed share the initial keyspace only if nothing happened in between.
        return null;
    }

    /// <summary>
    /// True when the write at <paramref name="revision"/> had an unknown outcome: the search placed it there because some
    /// write had to be, but another unknown write may have been the real one, so checks against it prove nothing.
    /// </summary>
    public bool IsUncertain(long revision) => _uncertain.Contains(revision);

    /// <summary>True when a write of unknown outcome at or below <paramref name="revision"/> touched a key in [key, rangeEnd).</summary>
    public bool HasUncertainWrite(long revision, string key, string? rangeEnd) =>
        _uncertain.GetViewBetween(long.MinValue, revision).Any(r => EventsAt(r).Any(e => KeyRange.Contains(key, rangeEnd, e.Key)));

    /// <summary>The events of the write that produced <paramref name="revision"/> (empty when there was none).</summary>
    public IReadOnlyList<WatchEvent> EventsAt(long revision) =>
        _events.TryGetValue(revision, out var events) ? events : [];

    /// <summary>The events in revisions [from, to] on keys in [key, rangeEnd), in order.</summary>
    public IEnumerable<WatchEvent> Events(long from, long to, string key, string? rangeEnd)
    {
        for (var revision = Math.Max(from, Initial.Revision + 1); revision <= Math.Min(to, LastRevision); revision++)
        {
            foreach (var e in EventsAt(revision))
            {
                if (KeyRange.Contains(key, rangeEnd, e.Key))
                {
                    yield return e;
                }
            }
        }
    }
}
