using EtcdNet.Robustness.Checker;
using EtcdNet.Robustness.History;
using EtcdNet.Robustness.Model;

namespace EtcdNet.Robustness.Tests;

public sealed class WatchCheckTests
{
    private readonly Replay _replay;
    private readonly long _last;

    public WatchCheckTests()
    {
        var ops = new HistoryGenerator(seed: 42, keys: 3).Generate(200);
        var result = LinearizabilityChecker.Check(ops);
        Assert.Equal(CheckOutcome.Ok, result.Outcome);
        _replay = Replay.Of(result.Linearization);
        _last = _replay.LastRevision;
        Assert.True(_last > 30, "the generated history should write enough");
    }

    private WatchRecord All(int id = 0, string member = "m1", long start = 2) =>
        Watches.Faithful(_replay, id, member, WatchRequest.Prefix("key", start), start, _last);

    [Fact]
    public void Check_FaithfulWatchesOnEveryMember_AreOk()
    {
        WatchRecord[] watches =
        [
            All(0, "m1"), All(1, "m2"), All(2, "m3"),
            Watches.Faithful(_replay, 3, "m1", new WatchRequest("key1", StartRevision: 10), 10, _last),
            Watches.Faithful(_replay, 4, "m2", new WatchRequest("key2"), 20, _last),
        ];

        Assert.Empty(WatchCheck.Check(watches, _replay));
    }

    [Fact]
    public void Check_WatchResumedFromNextRevision_IsOk()
    {
        // The first watch broke at revision 15; its replacement starts at 16 on another member.
        var first = Watches.Faithful(_replay, 0, "m1", WatchRequest.Prefix("key", 2), 2, 15, progress: false);
        var resumed = Watches.Faithful(_replay, 1, "m2", WatchRequest.Prefix("key", 16), 16, _last);

        Assert.Empty(WatchCheck.Check([first, resumed], _replay));
    }

    [Fact]
    public void Check_DuplicatedEvent_IsViolation()
    {
        var watch = Watches.WithResponses(All(), responses =>
        {
            var withEvents = responses.FindIndex(r => r.Events.Count > 0 && r.Revision > 10);
            responses.Insert(withEvents + 1, responses[withEvents]);
            return responses;
        });

        var violations = WatchCheck.Check([watch], _replay);

        Assert.Contains(violations, v => v.Message.Contains("delivered twice", StringComparison.Ordinal) || v.Message.Contains("out of order", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_Gap_IsViolation()
    {
        var watch = Watches.WithResponses(All(), responses =>
        {
            responses.RemoveAt(responses.FindIndex(r => r.Events.Count > 0 && r.Revision > 10));
            return responses;
        });

        var violations = WatchCheck.Check([watch], _replay);

        Assert.Contains(violations, v => v.Message.Contains("missed event", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_GapAtTheEndBeforeAProgressNotification_IsViolation()
    {
        var watch = Watches.WithResponses(All(), responses =>
        {
            responses.RemoveAt(responses.FindLastIndex(r => r.Events.Count > 0));
            return responses;
        });

        Assert.NotEmpty(WatchCheck.Check([watch], _replay));
    }

    [Fact]
    public void Check_EventsOutOfOrder_IsViolation()
    {
        var watch = Watches.WithResponses(All(), responses =>
        {
            var i = responses.FindIndex(r => r.Events.Count > 0 && r.Revision > 10);
            var j = responses.FindIndex(i + 1, r => r.Events.Count > 0);
            (responses[i], responses[j]) = (responses[j] with { Revision = responses[i].Revision }, responses[i] with { Revision = responses[j].Revision });
            return responses;
        });

        var violations = WatchCheck.Check([watch], _replay);

        Assert.Contains(violations, v => v.Message.Contains("out of order", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_MembersDisagreeOnAnEvent_IsViolationEvenWithoutReplay()
    {
        var good = All(0, "m1");
        var bad = Watches.WithResponses(All(1, "m2"), responses =>
        {
            var i = responses.FindIndex(r => r.Events.Count > 0 && r.Events[0].Type == WatchEventType.Put);
            responses[i] = responses[i] with { Events = [responses[i].Events[0] with { Value = "forged" }, .. responses[i].Events.Skip(1)] };
            return responses;
        });

        Assert.Contains(WatchCheck.Check([good, bad], replay: null), v => v.Message.Contains("differs", StringComparison.Ordinal));
        Assert.NotEmpty(WatchCheck.Check([bad], _replay));
    }

    [Fact]
    public void Check_EventOutsideTheWatchedKey_IsViolation()
    {
        var watch = Watches.Faithful(_replay, 0, "m1", new WatchRequest("key1", StartRevision: 2), 2, _last);
        var other = _replay.Events(2, _last, "key2", null).First();
        watch = Watches.WithResponses(watch, responses => [.. responses, new WatchResponse(1, _last, [other])]);

        Assert.Contains(WatchCheck.Check([watch], _replay), v => v.Message.Contains("outside the watched range", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_HeaderRevisionGoingBack_IsViolation()
    {
        var watch = Watches.WithResponses(All(), responses => [.. responses, new WatchResponse(1, 3, [])]);

        Assert.Contains(WatchCheck.Check([watch], _replay), v => v.Message.Contains("went back", StringComparison.Ordinal));
    }
}
