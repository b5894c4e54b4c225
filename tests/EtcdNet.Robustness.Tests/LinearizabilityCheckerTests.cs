using EtcdNet.Robustness.Checker;
using EtcdNet.Robustness.History;
using EtcdNet.Robustness.Model;
using static EtcdNet.Robustness.Tests.Ops;

namespace EtcdNet.Robustness.Tests;

public sealed class LinearizabilityCheckerTests
{
    [Fact]
    public void Check_SequentialPutThenGet_IsOk()
    {
        var ops = new Ops()
            .Put(0, 0, 10, "a", "1", 2)
            .Get(1, 20, 30, "a", 2, Kv("a", "1", 2))
            .Put(0, 40, 50, "a", "2", 3)
            .Get(1, 60, 70, "a", 3, Kv("a", "2", 3, 2, 2));

        var result = LinearizabilityChecker.Check(ops.List);

        Assert.Equal(CheckOutcome.Ok, result.Outcome);
        Assert.Equal([0, 1, 2, 3], result.Linearization.Select(op => op.Id));
    }

    [Fact]
    public void Check_ReadConcurrentWithWriteSeesEitherValue_IsOk()
    {
        // The read is called before the put and returns after it: it may see the old or the new value.
        var old = new Ops().Put(0, 0, 10, "a", "1", 2).Put(0, 20, 40, "a", "2", 3).Get(1, 15, 45, "a", 2, Kv("a", "1", 2));
        var fresh = new Ops().Put(0, 0, 10, "a", "1", 2).Put(0, 20, 40, "a", "2", 3).Get(1, 15, 45, "a", 3, Kv("a", "2", 3, 2, 2));

        Assert.Equal(CheckOutcome.Ok, LinearizabilityChecker.Check(old.List).Outcome);
        Assert.Equal(CheckOutcome.Ok, LinearizabilityChecker.Check(fresh.List).Outcome);
    }

    [Fact]
    public void Check_ConcurrentPutsOrderedByTheirRevisions_IsOk()
    {
        // Called in one order, answered in the other: the revisions decide the linearization.
        var ops = new Ops().Put(0, 0, 100, "a", "x", 3).Put(1, 10, 90, "b", "y", 2).Get(2, 110, 120, "a", 3, Kv("a", "x", 3));

        var result = LinearizabilityChecker.Check(ops.List);

        Assert.Equal(CheckOutcome.Ok, result.Outcome);
        Assert.Equal([1, 0, 2], result.Linearization.Select(op => op.Id));
    }

    [Fact]
    public void Check_StaleRead_IsViolation()
    {
        // The second put returned before the read was called, yet the read sees the first value.
        var ops = new Ops().Put(0, 0, 10, "a", "1", 2).Put(0, 20, 30, "a", "2", 3).Get(1, 40, 50, "a", 2, Kv("a", "1", 2));

        var result = LinearizabilityChecker.Check(ops.List);

        Assert.Equal(CheckOutcome.Violation, result.Outcome);
        Assert.Equal(2, result.Unlinearizable[0].Id);
        Assert.Contains("Range header revision 2, expected 3", result.Explanation);
        Assert.Equal(2, result.Linearization.Count);
    }

    [Fact]
    public void Check_StaleReadWithCurrentRevision_IsViolation()
    {
        var ops = new Ops().Put(0, 0, 10, "a", "1", 2).Put(0, 20, 30, "a", "2", 3).Get(1, 40, 50, "a", 3, Kv("a", "1", 2));

        var result = LinearizabilityChecker.Check(ops.List);

        Assert.Equal(CheckOutcome.Violation, result.Outcome);
        Assert.Contains("where the state holds", result.Explanation);
    }

    [Fact]
    public void Check_LostWrite_IsViolation()
    {
        // An acknowledged put is missing from a later read although nothing deleted it.
        var ops = new Ops().Put(0, 0, 10, "a", "1", 2).Put(0, 20, 30, "b", "2", 3).Add(1, 40, 50, RangeRequest.Prefix(""), new RangeResponse(3, [Kv("b", "2", 3)], 1));

        var result = LinearizabilityChecker.Check(ops.List);

        Assert.Equal(CheckOutcome.Violation, result.Outcome);
        Assert.True(result.Explanation.Contains("missing", StringComparison.Ordinal), result.Explanation);
    }

    [Fact]
    public void Check_RevisionGoingBack_IsViolation()
    {
        // A put answers with a revision lower than one already acknowledged before it was called.
        var ops = new Ops().Put(0, 0, 10, "a", "1", 2).Put(0, 20, 30, "a", "2", 3).Put(1, 40, 50, "b", "3", 3);

        var result = LinearizabilityChecker.Check(ops.List);

        Assert.Equal(CheckOutcome.Violation, result.Outcome);
        Assert.Equal(2, result.Unlinearizable[0].Id);
    }

    [Fact]
    public void Check_TxnSucceedingAgainstTheState_IsViolation()
    {
        var txn = new TxnRequest([Compare.ValueIs("a", CompareResult.Equal, "0")], [new TxnPut("a", "t")], []);
        var ops = new Ops().Put(0, 0, 10, "a", "1", 2).Add(1, 20, 30, txn, new TxnResponse(3, true, [new TxnPutResult()]));

        var result = LinearizabilityChecker.Check(ops.List);

        Assert.Equal(CheckOutcome.Violation, result.Outcome);
        Assert.Contains("compares evaluate to False", result.Explanation);
    }

    [Fact]
    public void Check_TxnFailingAsTheStateSays_IsOk()
    {
        var txn = new TxnRequest([Compare.ValueIs("a", CompareResult.Equal, "0")], [new TxnPut("a", "t")], [new TxnRange("a")]);
        var ops = new Ops().Put(0, 0, 10, "a", "1", 2).Add(1, 20, 30, txn, new TxnResponse(2, false, [new TxnRangeResult([Kv("a", "1", 2)], 1)]));

        Assert.Equal(CheckOutcome.Ok, LinearizabilityChecker.Check(ops.List).Outcome);
    }

    [Fact]
    public void Check_UnknownPutSeenByALaterRead_IsLinearizedBeforeIt()
    {
        var ops = new Ops().Add(0, 0, 0, new PutRequest("a", "1"), null).Get(1, 100, 110, "a", 2, Kv("a", "1", 2));

        var result = LinearizabilityChecker.Check(ops.List);

        Assert.Equal(CheckOutcome.Ok, result.Outcome);
        Assert.Equal([0, 1], result.Linearization.Select(op => op.Id));
    }

    [Fact]
    public void Check_UnknownPutNeverSeen_IsLeftOut()
    {
        var ops = new Ops().Add(0, 0, 0, new PutRequest("a", "1"), null).Get(1, 100, 110, "a", 1);

        var result = LinearizabilityChecker.Check(ops.List);

        Assert.Equal(CheckOutcome.Ok, result.Outcome);
        Assert.Equal([1], result.Linearization.Select(op => op.Id));
    }

    [Fact]
    public void Check_ReadSeesValueNobodyWrote_IsViolation()
    {
        var ops = new Ops().Add(0, 0, 0, new PutRequest("a", "1"), null).Get(1, 100, 110, "a", 2, Kv("a", "2", 2));

        Assert.Equal(CheckOutcome.Violation, LinearizabilityChecker.Check(ops.List).Outcome);
    }

    [Fact]
    public void Check_CompactedErrorOnlyAfterCompaction_IsChecked()
    {
        var compacted = new ErrorResponse("rpc error: code = OutOfRange desc = " + ModelErrors.Compacted);
        var ok = new Ops().Put(0, 0, 10, "a", "1", 2).Put(0, 20, 30, "a", "2", 3)
            .Add(0, 40, 50, new CompactRequest(3), new CompactResponse(3))
            .Add(1, 60, 70, new RangeRequest("a", Revision: 2), compacted);
        var early = new Ops().Put(0, 0, 10, "a", "1", 2).Put(0, 20, 30, "a", "2", 3)
            .Add(1, 60, 70, new RangeRequest("a", Revision: 2), compacted);

        Assert.Equal(CheckOutcome.Ok, LinearizabilityChecker.Check(ok.List).Outcome);
        Assert.Equal(CheckOutcome.Violation, LinearizabilityChecker.Check(early.List).Outcome);
    }

    [Fact]
    public void Check_PutWithRevokedLease_MustFail()
    {
        var ops = new Ops()
            .Add(0, 0, 10, new LeaseGrantRequest(60), new LeaseGrantResponse(1, 7, 60))
            .Add(0, 20, 30, new PutRequest("a", "1", 7), new PutResponse(2))
            .Add(0, 40, 50, new LeaseRevokeRequest(7), new LeaseRevokeResponse(3))
            .Get(0, 60, 70, "a", 3);
        var wrong = new Ops().Add(0, 0, 10, new PutRequest("a", "1", 7), new PutResponse(2));

        Assert.Equal(CheckOutcome.Ok, LinearizabilityChecker.Check(ops.List).Outcome);
        Assert.Equal(CheckOutcome.Violation, LinearizabilityChecker.Check(wrong.List).Outcome);
    }

    [Fact]
    public void Check_SerializableReads_AreLeftToTheReadCheck()
    {
        var ops = new Ops().Put(0, 0, 10, "a", "1", 2).Put(0, 20, 30, "a", "2", 3)
            .Add(1, 40, 50, new RangeRequest("a", Serializable: true), new RangeResponse(2, [Kv("a", "1", 2)], 1));

        var result = LinearizabilityChecker.Check(ops.List);

        Assert.Equal(CheckOutcome.Ok, result.Outcome);
        Assert.Equal(2, result.OperationsChecked);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void Check_GeneratedLinearizableHistory_IsOk(int seed)
    {
        var ops = new HistoryGenerator(seed).Generate(300, unknownRate: seed % 2 == 0 ? 0.05 : 0);

        var result = LinearizabilityChecker.Check(ops, timeout: TimeSpan.FromSeconds(30));

        Assert.True(result.Outcome == CheckOutcome.Ok, $"seed {seed}: {result.Explanation}");
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(14)]
    public void Check_GeneratedHistoryWithOneReadAltered_IsViolation(int seed)
    {
        var ops = new HistoryGenerator(seed).Generate(300);
        // Give a read that found a key a value that was never written: no order can explain it.
        var victim = ops.First(op => op.Id > 150 && op.Response is RangeResponse { Kvs.Count: > 0 } && op.Request is RangeRequest { Revision: 0 });
        var observed = (RangeResponse)victim.Response!;
        ops[victim.Id] = victim with { Response = observed with { Kvs = [observed.Kvs[0] with { Value = "never-written" }, .. observed.Kvs.Skip(1)] } };

        var result = LinearizabilityChecker.Check(ops, timeout: TimeSpan.FromSeconds(30));

        Assert.Equal(CheckOutcome.Violation, result.Outcome);
        Assert.Contains(result.Unlinearizable, op => op.Id == victim.Id);
    }

    [Fact]
    public void Check_TwoThousandConcurrentOperations_FinishesWellWithinTheTimeLimit()
    {
        var ops = new HistoryGenerator(seed: 2000, clients: 8, keys: 10).Generate(2000, unknownRate: 0.05);

        // A generous limit: the check takes well under a second on one core; Unknown here means it got far slower.
        var result = LinearizabilityChecker.Check(ops, timeout: TimeSpan.FromSeconds(10));

        Assert.Equal(CheckOutcome.Ok, result.Outcome);
        Assert.Equal(2000, result.OperationsChecked + ops.Count(op => !LinearizabilityChecker.IsChecked(op)));
    }

    [Fact]
    public void Check_Timeout_IsUnknown()
    {
        var ops = new HistoryGenerator(seed: 5).Generate(500);

        var result = LinearizabilityChecker.Check(ops, timeout: TimeSpan.Zero);

        Assert.Equal(CheckOutcome.Unknown, result.Outcome);
    }
}
