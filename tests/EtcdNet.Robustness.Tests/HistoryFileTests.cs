using EtcdNet.Robustness.Checker;
using EtcdNet.Robustness.History;
using EtcdNet.Robustness.Model;
using EtcdNet.TestKit;

namespace EtcdNet.Robustness.Tests;

public sealed class HistoryFileTests
{
    private static RecordedHistory Sample()
    {
        var ops = new HistoryGenerator(seed: 9).Generate(150, unknownRate: 0.05);
        var replay = Replay.Of(LinearizabilityChecker.Check(ops).Linearization);
        var watch = Watches.Faithful(replay, 0, "m1", WatchRequest.Prefix("key", 2), 2, replay.LastRevision);
        return new RecordedHistory(9, "kill-leader", ops, [watch], [new MemberState("m1", replay.LastRevision, replay.Final.Kvs.Values.ToList())]);
    }

    [Fact]
    public void Serialize_EveryRequestAndResponseKind_RoundTrips()
    {
        var history = Sample();
        Assert.True(history.Operations.Select(op => op.Request.GetType()).Distinct().Count() >= 6, "the sample should hold most request kinds");

        var json = HistoryFile.Serialize(history);
        var back = HistoryFile.Deserialize(json);

        Assert.Equal(json, HistoryFile.Serialize(back));
        Assert.Equal(history.Operations.Count, back.Operations.Count);
        Assert.IsType<TxnRequest>(back.Operations.First(op => op.Request is TxnRequest).Request);
        Assert.Contains("\"type\": \"txn\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("isWrite", json, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckFile_SavedHistory_GivesTheSameVerdict()
    {
        using var dir = new TempDir("robustness-history");
        var history = Sample();
        var path = Path.Combine(dir.Path, "failed", "history.json");

        HistoryFile.Save(history, path);
        var report = HistoryChecker.CheckFile(path);

        Assert.True(report.Outcome == CheckOutcome.Ok, report.ToString());
        Assert.Equal(history.Operations.Count, report.OperationsChecked);
        Assert.True(report.WatchEventsChecked > 0);
    }

    [Fact]
    public void Check_HistoryWithAPlantedStaleRead_ReportsTheViolation()
    {
        var history = Sample();
        var ops = history.Operations.ToList();
        // Re-answer the last linearizable read of a written key with an earlier revision's view.
        var victim = ops.Last(op => op.Request is RangeRequest { Revision: 0, Serializable: false } && op.Response is RangeResponse { Kvs.Count: > 0 });
        var old = ((RangeResponse)victim.Response!) with { Revision = 2, Kvs = [], Count = 0 };
        ops[victim.Id] = victim with { Response = old };

        var report = HistoryChecker.Check(history with { Operations = ops });

        Assert.Equal(CheckOutcome.Violation, report.Outcome);
        Assert.Contains(report.Violations, v => v.Check == "linearizability");
    }
}
