using EtcdNet.Robustness.History;
using EtcdNet.Robustness.Model;

namespace EtcdNet.Robustness.Checker;

/// <summary>
/// Checks watch guarantees. Per watch: events in range, ordered by revision, each (revision, key) once, never above
/// their response's header revision, header revisions never going back. Against the replayed linearization: from the
/// watch's start revision up to the last revision it is known to have caught up with, the watch saw exactly the
/// history's events, revision by revision (no gaps, nothing extra; a watch restarted from r+1 is held to the same
/// events, which makes watches resumable). Across watches: every member reports the same event for a revision and key.
/// A watch with start revision 0 starts after the header revision of its first (empty) response; empty responses
/// after the first are progress notifications, which promise every earlier event was sent.
/// </summary>
public static class WatchCheck
{
    /// <summary>The name violations carry.</summary>
    public const string Name = "watch";

    /// <summary>Violations in <paramref name="watches"/>; without a replay only the per-watch and cross-member rules apply.</summary>
    public static IReadOnlyList<Violation> Check(IReadOnlyList<WatchRecord> watches, Replay? replay)
    {
        var violations = new List<Violation>();
        var seen = new Dictionary<(long Revision, string Key), (WatchEvent Event, WatchRecord Watch)>();
        foreach (var watch in watches)
        {
            CheckOne(watch, replay, seen, violations);
        }
        return violations;
    }

    /// <summary>How many events the watches received.</summary>
    public static int CountEvents(IReadOnlyList<WatchRecord> watches) => watches.Sum(w => w.Responses.Sum(r => r.Events.Count));

    private static void CheckOne(WatchRecord watch, Replay? replay, Dictionary<(long, string), (WatchEvent, WatchRecord)> seen, List<Violation> violations)
    {
        var request = watch.Request;
        var where = $"watch {watch.Id} on {watch.Member} [{request.Key}, {request.RangeEnd}) from {request.StartRevision}";
        void Fail(string message) => violations.Add(new Violation(Name, $"{where}: {message}", []));

        var events = new List<WatchEvent>();
        long lastHeader = 0;
        long caughtUp = 0;
        long start = request.StartRevision;
        var ended = false;
        for (var i = 0; i < watch.Responses.Count; i++)
        {
            var response = watch.Responses[i];
            if (ended)
            {
                Fail($"response {i} arrived after the watch was canceled");
                return;
            }
            if (response.Revision < lastHeader)
            {
                Fail($"header revision went back from {lastHeader} to {response.Revision}");
            }
            lastHeader = Math.Max(lastHeader, response.Revision);
            if (response.Canceled)
            {
                ended = true;
                continue;
            }
            if (response.Events.Count == 0)
            {
                if (i == 0 && start == 0)
                {
                    start = response.Revision + 1;
                }
                else if (i > 0 || start == 0)
                {
                    caughtUp = Math.Max(caughtUp, response.Revision);
                }
                continue;
            }
            foreach (var e in response.Events)
            {
                if (!KeyRange.Contains(request.Key, request.RangeEnd, e.Key))
                {
                    Fail($"event {e} is outside the watched range");
                }
                if (e.ModRevision > response.Revision)
                {
                    Fail($"event {e} is above its response's header revision {response.Revision}");
                }
                if (events.Count > 0)
                {
                    var previous = events[^1];
                    if (e.ModRevision < previous.ModRevision)
                    {
                        Fail($"event {e} came after {previous}: out of order");
                    }
                    else if (e.ModRevision == previous.ModRevision && events.Any(x => x.ModRevision == e.ModRevision && x.Key == e.Key))
                    {
                        Fail($"event {e} was delivered twice");
                    }
                }
                if (seen.TryGetValue((e.ModRevision, e.Key), out var other))
                {
                    if (!other.Item1.Equals(e))
                    {
                        Fail($"event {e} differs from {other.Item1} seen by watch {other.Item2.Id} on {other.Item2.Member}");
                    }
                }
                else
                {
                    seen[(e.ModRevision, e.Key)] = (e, watch);
                }
                events.Add(e);
            }
        }
        if (start == 0 && events.Count > 0)
        {
            start = events[0].ModRevision;
        }
        if (start > 0 && events.Count > 0 && events[0].ModRevision < start)
        {
            Fail($"event {events[0]} is below the start revision {start}");
        }
        if (replay is null || start == 0)
        {
            return;
        }
        caughtUp = Math.Max(caughtUp, events.Count > 0 ? events[^1].ModRevision : 0);
        var to = Math.Min(caughtUp, replay.LastRevision);
        // Revisions written by unknown-outcome operations are left to the cross-member comparison: the search may have
        // put a different unknown write there than the one that really happened.
        var expected = replay.Events(start, to, request.Key, request.RangeEnd).Where(e => !replay.IsUncertain(e.ModRevision)).ToList();
        var actual = events.Where(e => e.ModRevision <= to && e.ModRevision > replay.Initial.Revision && !replay.IsUncertain(e.ModRevision)).ToList();
        // Revisions at or below the replay's start cannot be checked; neither can the ones before the watch starts.
        for (var k = 0; k < Math.Max(expected.Count, actual.Count); k++)
        {
            if (k >= actual.Count)
            {
                Fail($"missed event {expected[k]} (gap: the watch reached revision {caughtUp})");
                return;
            }
            if (k >= expected.Count)
            {
                Fail($"event {actual[k]} is not in the linearized history");
                return;
            }
            if (!expected[k].Equals(actual[k]))
            {
                Fail(expected[k].ModRevision < actual[k].ModRevision || (expected[k].ModRevision == actual[k].ModRevision && expected[k].Key != actual[k].Key && !actual.Contains(expected[k]))
                    ? $"missed event {expected[k]}: next delivered was {actual[k]}"
                    : $"event {actual[k]} where the linearized history has {expected[k]}");
                return;
            }
        }
    }
}
