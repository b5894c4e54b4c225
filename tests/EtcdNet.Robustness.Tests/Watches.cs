using EtcdNet.Robustness.History;
using EtcdNet.Robustness.Model;

namespace EtcdNet.Robustness.Tests;

/// <summary>Builds watch records for the self-tests from a replayed history, as a correct member would deliver them.</summary>
internal static class Watches
{
    // Generated operations happen at small times; a watch receiving everything later is always consistent with them.
    private const long Later = 1_000_000_000_000;

    public static WatchRecord Faithful(Replay replay, int id, string member, WatchRequest request, long from, long to, bool progress = true)
    {
        var responses = new List<WatchResponse>();
        if (request.StartRevision == 0)
        {
            responses.Add(new WatchResponse(Later, from - 1, []));
        }
        for (var revision = from; revision <= to; revision++)
        {
            var events = replay.EventsAt(revision).Where(e => KeyRange.Contains(request.Key, request.RangeEnd, e.Key)).ToList();
            if (events.Count > 0)
            {
                responses.Add(new WatchResponse(Later + revision, revision, events));
            }
        }
        if (progress)
        {
            responses.Add(new WatchResponse(Later + to + 1, to, []));
        }
        return new WatchRecord(id, member, id, 0, request, responses);
    }

    public static WatchRecord WithResponses(WatchRecord watch, Func<List<WatchResponse>, List<WatchResponse>> change) =>
        watch with { Responses = change(watch.Responses.ToList()) };
}
