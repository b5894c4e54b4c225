using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Api.Mvccpb;
using static EtcdNet.Mvcc.Tests.StoreFixture;
using CompareResult = EtcdNet.Api.Etcdserverpb.Compare.Types.CompareResult;
using CompareTarget = EtcdNet.Api.Etcdserverpb.Compare.Types.CompareTarget;

namespace EtcdNet.Mvcc.Tests;

public sealed class KvStoreTxnTests : IDisposable
{
    private readonly FakeLeases _leases = new();
    private readonly RecordingObserver _observer = new();
    private readonly StoreFixture _f;

    public KvStoreTxnTests()
    {
        _leases.Existing.Add(7);
        _f = new StoreFixture(new KvStoreOptions { Leases = _leases, Observer = _observer });
    }

    public void Dispose() => _f.Dispose();

    private static Compare Cmp(string key, CompareTarget target, CompareResult result, long operand, string? end = null)
    {
        var c = new Compare { Key = B(key), Target = target, Result = result };
        if (end is not null)
        {
            c.RangeEnd = B(end);
        }
        switch (target)
        {
            case CompareTarget.Version: c.Version = operand; break;
            case CompareTarget.Create: c.CreateRevision = operand; break;
            case CompareTarget.Mod: c.ModRevision = operand; break;
            case CompareTarget.Lease: c.Lease = operand; break;
            case CompareTarget.Value: c.Value = B(((char)('a' + operand)).ToString()); break;
        }
        return c;
    }

    private bool Evaluate(Compare c)
    {
        var txn = new TxnRequest();
        txn.Compare.Add(c);
        return _f.Store.Txn(txn).Succeeded;
    }

    public static TheoryData<CompareTarget, CompareResult, int, bool> CompareMatrix()
    {
        var data = new TheoryData<CompareTarget, CompareResult, int, bool>();
        foreach (CompareTarget target in Enum.GetValues<CompareTarget>())
        {
            foreach (CompareResult result in Enum.GetValues<CompareResult>())
            {
                // delta = operand - actual
                foreach (int delta in new[] { -1, 0, 1 })
                {
                    bool expected = result switch
                    {
                        CompareResult.Equal => delta == 0,
                        CompareResult.NotEqual => delta != 0,
                        CompareResult.Greater => delta < 0,
                        CompareResult.Less => delta > 0,
                        _ => throw new InvalidOperationException(),
                    };
                    data.Add(target, result, delta, expected);
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(CompareMatrix))]
    public void Txn_CompareTargetAndResult_MatchEtcd(CompareTarget target, CompareResult result, int delta, bool expected)
    {
        _f.Put("k", "m", lease: 7);   // rev 2
        _f.Put("k", "m", lease: 7);   // rev 3: create 2, mod 3, version 2, lease 7, value "m"
        long actual = target switch
        {
            CompareTarget.Version => 2,
            CompareTarget.Create => 2,
            CompareTarget.Mod => 3,
            CompareTarget.Lease => 7,
            _ => 'm' - 'a',
        };
        Assert.Equal(expected, Evaluate(Cmp("k", target, result, actual + delta)));
        Assert.Equal(3, _f.Store.CurrentRevision);
    }

    [Theory]
    [InlineData(CompareTarget.Version, CompareResult.Equal, 0, true)]
    [InlineData(CompareTarget.Create, CompareResult.Equal, 0, true)]
    [InlineData(CompareTarget.Mod, CompareResult.Less, 1, true)]
    [InlineData(CompareTarget.Lease, CompareResult.Equal, 0, true)]
    [InlineData(CompareTarget.Version, CompareResult.Greater, 0, false)]
    [InlineData(CompareTarget.Value, CompareResult.NotEqual, 1, false)]
    [InlineData(CompareTarget.Value, CompareResult.Equal, 1, false)]
    public void Txn_CompareOnMissingKey_UsesZeroesExceptValue(CompareTarget target, CompareResult result, long operand, bool expected)
    {
        Assert.Equal(expected, Evaluate(Cmp("missing", target, result, operand)));
        Assert.Equal(expected, Evaluate(Cmp("missing", target, result, operand, end: "missinh")));
    }

    [Fact]
    public void Txn_CompareOverRange_RequiresEveryKey()
    {
        _f.Put("a1", "b");   // 'b' - 'a' = 1
        _f.Put("a2", "c");
        _f.Put("a3", "d");
        Assert.True(Evaluate(Cmp("a", CompareTarget.Value, CompareResult.Greater, 0, end: "b")));
        Assert.False(Evaluate(Cmp("a", CompareTarget.Value, CompareResult.Greater, 1, end: "b")));
        Assert.True(Evaluate(Cmp("a", CompareTarget.Mod, CompareResult.Less, 5, end: "b")));
        Assert.False(Evaluate(Cmp("a", CompareTarget.Mod, CompareResult.Less, 4, end: "b")));
        Assert.True(Evaluate(Cmp("a", CompareTarget.Version, CompareResult.Equal, 1, end: "\0")));
        Assert.True(Evaluate(Cmp("x", CompareTarget.Version, CompareResult.Equal, 0, end: "y")));
    }

    [Fact]
    public void Txn_SuccessBranch_OneRevisionWithSubRevisions()
    {
        _f.Put("seed", "0");   // rev 2
        var txn = new TxnRequest { Success = { OpPut("a", "1"), OpPut("b", "2"), OpDelete("seed"), OpGet("a", "c") } };
        TxnResponse resp = _f.Store.Txn(txn);
        Assert.True(resp.Succeeded);
        Assert.Equal(3, resp.Header.Revision);
        Assert.Equal(3, _f.Store.CurrentRevision);
        Assert.Equal(3, resp.Responses[0].ResponsePut.Header.Revision);
        Assert.Equal(1, resp.Responses[2].ResponseDeleteRange.Deleted);
        RangeResponse inner = resp.Responses[3].ResponseRange;
        Assert.Equal(["a", "b"], Keys(inner));
        Assert.Equal(3, inner.Header.Revision);
        Assert.Equal(new Revision(3, 0), _f.Store.Index.Find(B("a").Memory)!.Modified);
        Assert.Equal(new Revision(3, 1), _f.Store.Index.Find(B("b").Memory)!.Modified);
        Assert.Equal(new Revision(3, 2), _f.Store.Index.Find(B("seed").Memory)!.Modified);

        (long rev, Event[] events) = _observer.Seen[^1];
        Assert.Equal(3, rev);
        Assert.Equal([Event.Types.EventType.Put, Event.Types.EventType.Put, Event.Types.EventType.Delete], events.Select(e => e.Type));
        Assert.Equal("seed", S(events[2].Kv.Key));
        Assert.Equal(3, events[2].Kv.ModRevision);
    }

    [Fact]
    public void Txn_NothingChanged_KeepsRevision()
    {
        _f.Put("a", "1");
        var txn = new TxnRequest { Compare = { Cmp("a", CompareTarget.Version, CompareResult.Equal, 5) }, Success = { OpPut("a", "2") }, Failure = { OpGet("a"), OpDelete("nothing") } };
        TxnResponse resp = _f.Store.Txn(txn);
        Assert.False(resp.Succeeded);
        Assert.Equal(2, resp.Header.Revision);
        Assert.Equal(2, resp.Responses[1].ResponseDeleteRange.Header.Revision);
        Assert.Equal(0, resp.Responses[1].ResponseDeleteRange.Deleted);
        Assert.Equal(2, _f.Store.CurrentRevision);
        Assert.Single(_observer.Seen);
    }

    [Fact]
    public void Txn_DeleteNothingAfterPut_ReportsNewRevision()
    {
        TxnResponse resp = _f.Store.Txn(new TxnRequest { Success = { OpPut("a", "1"), OpDelete("none") } });
        Assert.Equal(2, resp.Responses[1].ResponseDeleteRange.Header.Revision);
    }

    [Fact]
    public void Txn_Nested_ComparesSeeStateBeforeOps_OpsSeeEarlierWrites()
    {
        var inner = new TxnRequest
        {
            Compare = { Cmp("x", CompareTarget.Version, CompareResult.Equal, 0) },
            Success = { OpGet("x"), OpPut("y", "2") },
            Failure = { OpPut("never", "1") },
        };
        var outer = new TxnRequest { Success = { OpPut("x", "1"), OpTxn(inner), OpGet("a", "\0") } };
        TxnResponse resp = _f.Store.Txn(outer);

        Assert.True(resp.Succeeded);
        TxnResponse innerResp = resp.Responses[1].ResponseTxn;
        Assert.True(innerResp.Succeeded);
        Assert.Equal(0, innerResp.Header.Revision);
        Assert.Equal("1", S(innerResp.Responses[0].ResponseRange.Kvs[0].Value));
        Assert.Equal(["x", "y"], Keys(resp.Responses[2].ResponseRange));
        Assert.Equal(2, resp.Header.Revision);
        Assert.Null(_f.One("never"));
    }

    [Fact]
    public void Txn_NestedFailureBranch_FollowsItsOwnCompare()
    {
        _f.Put("x", "1");
        var inner = new TxnRequest
        {
            Compare = { Cmp("x", CompareTarget.Version, CompareResult.Equal, 0) },
            Success = { OpPut("wrong", "1") },
            Failure = { OpPut("right", "1") },
        };
        var nested = new TxnRequest { Failure = { OpTxn(inner) }, Compare = { Cmp("x", CompareTarget.Version, CompareResult.Equal, 9) } };
        var outer = new TxnRequest { Success = { OpTxn(nested) } };
        TxnResponse resp = _f.Store.Txn(outer);
        Assert.False(resp.Responses[0].ResponseTxn.Succeeded);
        Assert.False(resp.Responses[0].ResponseTxn.Responses[0].ResponseTxn.Succeeded);
        Assert.NotNull(_f.One("right"));
        Assert.Null(_f.One("wrong"));
    }

    [Fact]
    public void Txn_PutIgnoreValueOnMissingKey_FailsWholeTxnWithoutChanges()
    {
        var txn = new TxnRequest
        {
            Success = { OpPut("a", "1"), new RequestOp { RequestPut = new PutRequest { Key = B("a"), IgnoreValue = true } } },
        };
        Assert.Throws<MissingKeyException>(() => _f.Store.Txn(txn));
        Assert.Null(_f.One("a"));
        Assert.Equal(1, _f.Store.CurrentRevision);
    }

    [Fact]
    public void Txn_UnknownLease_FailsWholeTxn()
    {
        var txn = new TxnRequest { Success = { OpPut("a", "1"), new RequestOp { RequestPut = new PutRequest { Key = B("b"), Lease = 99 } } } };
        Assert.Throws<LeaseNotFoundException>(() => _f.Store.Txn(txn));
        Assert.Equal(1, _f.Store.CurrentRevision);
    }

    [Fact]
    public void Txn_RangeAtFutureRevision_Throws()
    {
        var txn = new TxnRequest { Success = { OpPut("a", "1"), new RequestOp { RequestRange = new RangeRequest { Key = B("a"), Revision = 2 } } } };
        Assert.Throws<FutureRevisionException>(() => _f.Store.Txn(txn));
        Assert.Equal(1, _f.Store.CurrentRevision);
    }

    [Fact]
    public void Txn_CompareOnLeaseTarget_UsesCurrentLease()
    {
        _f.Put("k", "v", lease: 7);
        Assert.True(Evaluate(Cmp("k", CompareTarget.Lease, CompareResult.Equal, 7)));
        _f.Put("k", "v");
        Assert.True(Evaluate(Cmp("k", CompareTarget.Lease, CompareResult.Equal, 0)));
    }

    [Fact]
    public void Txn_ReadOnly_DoesNotNotifyObserver()
    {
        _f.Store.Txn(new TxnRequest { Success = { OpGet("a") } });
        Assert.Empty(_observer.Seen);
    }
}
