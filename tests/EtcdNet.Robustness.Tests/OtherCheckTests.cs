using EtcdNet.Robustness.Checker;
using EtcdNet.Robustness.History;
using EtcdNet.Robustness.Model;
using static EtcdNet.Robustness.Tests.Ops;

namespace EtcdNet.Robustness.Tests;

public sealed class OtherCheckTests
{
    private static Replay ReplayOf(Ops ops)
    {
        var result = LinearizabilityChecker.Check(ops.List);
        Assert.Equal(CheckOutcome.Ok, result.Outcome);
        return Replay.Of(result.Linearization);
    }

    [Fact]
    public void LostWriteCheck_FinalStateHoldingEveryWrite_IsOk()
    {
        var ops = new Ops().Put(0, 0, 10, "a", "1", 2).Put(0, 20, 30, "a", "2", 3).Put(1, 20, 30, "b", "x", 4)
            .Add(1, 40, 50, new DeleteRequest("b"), new DeleteResponse(5, 1));
        MemberState[] final = [new("m1", 5, [Kv("a", "2", 3, 2, 2)]), new("m2", 5, [Kv("a", "2", 3, 2, 2)])];

        Assert.Empty(LostWriteCheck.Check(ops.List, final, ReplayOf(ops)));
    }

    [Fact]
    public void LostWriteCheck_MemberMissingAnAcknowledgedPut_IsViolation()
    {
        var ops = new Ops().Put(0, 0, 10, "a", "1", 2).Put(0, 20, 30, "b", "2", 3);
        MemberState[] final = [new("m1", 3, [Kv("a", "1", 2), Kv("b", "2", 3)]), new("m2", 3, [Kv("b", "2", 3)])];

        var violations = LostWriteCheck.Check(ops.List, final);

        Assert.Contains(violations, v => v.Message.Contains("m2 lost the acknowledged put of a=1", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Message.Contains("different keyspaces", StringComparison.Ordinal));
    }

    [Fact]
    public void LostWriteCheck_KeyLaterPutWithARevokedLease_IsOk()
    {
        // Found by the runner: a=1 is gone because a later put attached a to lease 7, which was then revoked.
        var ops = new Ops().Put(0, 0, 10, "a", "1", 2)
            .Add(1, 20, 30, new PutRequest("a", "2", Lease: 7), new PutResponse(3))
            .Add(1, 40, 50, new LeaseRevokeRequest(7), new LeaseRevokeResponse(4));
        MemberState[] final = [new("m1", 4, [])];

        Assert.Empty(LostWriteCheck.Check(ops.List, final));
    }

    [Fact]
    public void LostWriteCheck_KeyLaterPutWithoutLeaseThenGone_IsViolation()
    {
        var ops = new Ops().Put(0, 0, 10, "a", "1", 2).Put(1, 20, 30, "a", "2", 3);
        MemberState[] final = [new("m1", 3, [])];

        Assert.Contains(LostWriteCheck.Check(ops.List, final), v => v.Message.Contains("lost the acknowledged put of a=1", StringComparison.Ordinal));
    }

    [Fact]
    public void LostWriteCheck_MemberHoldingAnOlderValue_IsViolation()
    {
        var ops = new Ops().Put(0, 0, 10, "a", "1", 2).Put(0, 20, 30, "a", "2", 3);
        MemberState[] final = [new("m1", 3, [Kv("a", "1", 2)])];

        Assert.Contains(LostWriteCheck.Check(ops.List, final, ReplayOf(ops)), v => v.Message.Contains("older than", StringComparison.Ordinal));
    }

    [Fact]
    public void LostWriteCheck_MemberBehindAnAcknowledgedWrite_IsViolation()
    {
        var ops = new Ops().Put(0, 0, 10, "a", "1", 2).Put(0, 20, 30, "a", "2", 3);

        Assert.Contains(LostWriteCheck.Check(ops.List, [new("m3", 2, [Kv("a", "1", 2)])]), v => v.Message.Contains("below the acknowledged put", StringComparison.Ordinal));
    }

    [Fact]
    public void RevisionCheck_ClientSeeingAnOlderRevision_IsViolation()
    {
        var ok = new Ops().Put(0, 0, 10, "a", "1", 2).Get(0, 20, 30, "a", 2, Kv("a", "1", 2));
        var back = new Ops().Put(0, 0, 10, "a", "1", 2).Put(0, 20, 30, "a", "2", 3).Get(0, 40, 50, "a", 2, Kv("a", "1", 2));

        Assert.Empty(RevisionCheck.Check(ok.List));
        Assert.Single(RevisionCheck.Check(back.List));
    }

    [Fact]
    public void RevisionCheck_SerializableReadOfALaggingMember_IsLeftOutByDefault()
    {
        var ops = new Ops().Put(0, 0, 10, "a", "1", 2).Put(0, 20, 30, "a", "2", 3)
            .Add(0, 40, 50, new RangeRequest("a", Serializable: true), new RangeResponse(2, [Kv("a", "1", 2)], 1));

        Assert.Empty(RevisionCheck.Check(ops.List));
        Assert.Single(RevisionCheck.Check(ops.List, includeSerializable: true));
    }

    [Fact]
    public void ReadCheck_StaleSerializableReadMatchingAPastState_IsOk()
    {
        var ops = new Ops().Put(0, 0, 10, "a", "1", 2).Put(0, 20, 30, "a", "2", 3)
            .Add(1, 40, 50, new RangeRequest("a", Serializable: true), new RangeResponse(2, [Kv("a", "1", 2)], 1))
            .Add(1, 60, 70, new RangeRequest("a", Revision: 2), new RangeResponse(3, [Kv("a", "1", 2)], 1));

        Assert.Empty(ReadCheck.Check(ops.List, ReplayOf(ops)));
    }

    [Fact]
    public void ReadCheck_SerializableReadMatchingNoState_IsViolation()
    {
        var ops = new Ops().Put(0, 0, 10, "a", "1", 2).Put(0, 20, 30, "a", "2", 3)
            .Add(1, 40, 50, new RangeRequest("a", Serializable: true), new RangeResponse(2, [Kv("a", "2", 3, 2, 2)], 1));

        Assert.Single(ReadCheck.Check(ops.List, ReplayOf(ops)));
    }

    [Fact]
    public void ReadCheck_PastRevisionReadWithWrongContent_IsViolation()
    {
        var ops = new Ops().Put(0, 0, 10, "a", "1", 2).Put(0, 20, 30, "a", "2", 3)
            .Add(1, 60, 70, new RangeRequest("a", Revision: 2), new RangeResponse(3, [Kv("a", "2", 3, 2, 2)], 1));

        Assert.Single(ReadCheck.Check(ops.List, ReplayOf(ops)));
    }

    [Fact]
    public void WatchPatch_UnknownPutSeenByAWatch_BecomesKnownAtItsRevision()
    {
        var ops = new Ops().Add(0, 0, 0, new PutRequest("a", "1"), null).Put(1, 5, 10, "b", "2", 3);
        var watch = new WatchRecord(0, "m1", 2, 0, WatchRequest.Prefix(""), [new WatchResponse(50, 2, [new WatchEvent(WatchEventType.Put, "a", "1", 2, 2, 1)])]);

        var patched = WatchPatch.Apply(ops.List, [watch]);

        Assert.Equal(new PutResponse(2), patched[0].Response);
        Assert.Equal(50, patched[0].ReturnNanos);
        Assert.Equal(CheckOutcome.Ok, LinearizabilityChecker.Check(patched).Outcome);
    }

    [Fact]
    public void HistoryChecker_TwoUnknownDeletesOneReal_DoesNotBlameTheWatch()
    {
        // Either delete could explain revision 4; the watch saw the second one. The search may pick the first.
        var ops = new Ops().Put(0, 0, 10, "a", "1", 2).Put(0, 20, 30, "b", "1", 3)
            .Add(1, 40, 0, new DeleteRequest("a"), null).Add(2, 41, 0, new DeleteRequest("b"), null)
            .Get(3, 100, 110, "c", 4);
        var watch = new WatchRecord(0, "m1", 4, 0, WatchRequest.Prefix("", 2),
        [
            new WatchResponse(5, 1, []),
            new WatchResponse(11, 2, [new WatchEvent(WatchEventType.Put, "a", "1", 2, 2, 1)]),
            new WatchResponse(31, 3, [new WatchEvent(WatchEventType.Put, "b", "1", 3, 3, 1)]),
            new WatchResponse(90, 4, [new WatchEvent(WatchEventType.Delete, "b", "", 4, 0, 0)]),
            new WatchResponse(120, 4, []),
        ]);

        var report = HistoryChecker.Check(new RecordedHistory(1, "x", ops.List, [watch]));

        Assert.True(report.Outcome == CheckOutcome.Ok, report.ToString());
    }
}
