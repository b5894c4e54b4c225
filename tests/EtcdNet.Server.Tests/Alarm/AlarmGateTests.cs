using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Grpc;
using EtcdNet.Server.Alarm;
using EtcdNet.Server.Apply;
using EtcdNet.Server.Errors;
using EtcdNet.Server.Quota;
using EtcdNet.Storage;
using EtcdNet.TestKit;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;

namespace EtcdNet.Server.Tests.Alarm;

public sealed class AlarmGateTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly Backend _backend;
    private readonly AlarmStore _alarms;
    private long _size = 1000;
    private readonly AlarmGate _gate;

    public AlarmGateTests()
    {
        _backend = Backend.Open(Path.Combine(_dir.Path, "db"), new BackendOptions { BatchInterval = TimeSpan.Zero, Fsync = false });
        _alarms = new AlarmStore(_backend, NullLogger.Instance);
        _gate = new AlarmGate(_alarms, new BackendQuota(10_000, () => _size));
    }

    public void Dispose()
    {
        _backend.Dispose();
        _dir.Dispose();
    }

    private static InternalRaftRequest Put() => new() { Put = new PutRequest { Key = ByteString.CopyFromUtf8("k"), Value = ByteString.CopyFromUtf8("v") } };

    private static InternalRaftRequest Txn(bool withPut)
    {
        var txn = new TxnRequest();
        txn.Success.Add(new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = ByteString.CopyFromUtf8("a") } });
        txn.Failure.Add(new RequestOp { RequestRange = new RangeRequest { Key = ByteString.CopyFromUtf8("a") } });
        if (withPut) txn.Failure.Add(new RequestOp { RequestPut = new PutRequest { Key = ByteString.CopyFromUtf8("a") } });
        return new InternalRaftRequest { Txn = txn };
    }

    private static readonly InternalRaftRequest Delete = new() { DeleteRange = new DeleteRangeRequest { Key = ByteString.CopyFromUtf8("k") } };
    private static readonly InternalRaftRequest Compact = new() { Compaction = new CompactionRequest { Revision = 1 } };
    private static readonly InternalRaftRequest Grant = new() { LeaseGrant = new LeaseGrantRequest { ID = 1, TTL = 10 } };
    private static readonly InternalRaftRequest Revoke = new() { LeaseRevoke = new LeaseRevokeRequest { ID = 1 } };
    private static readonly InternalRaftRequest Disarm = new() { Alarm = new AlarmRequest { Action = AlarmRequest.Types.AlarmAction.Deactivate } };

    [Fact]
    public void Refusal_NoAlarm_LetsEverythingThrough()
    {
        foreach (var request in new[] { Put(), Txn(true), Delete, Compact, Grant, Revoke, Disarm })
        {
            Assert.Null(_gate.Refusal(request));
        }
    }

    [Fact]
    public void Refusal_Nospace_RefusesPutsTxnsWithPutsAndGrants_NotDeletesCompactionsOrRevokes()
    {
        _alarms.Activate(1, AlarmType.Nospace);
        Assert.Equal(EtcdErrors.NoSpace, _gate.Refusal(Put()));
        Assert.Equal(EtcdErrors.NoSpace, _gate.Refusal(Txn(withPut: true)));
        Assert.Equal(EtcdErrors.NoSpace, _gate.Refusal(Grant));
        foreach (var request in new[] { Txn(withPut: false), Delete, Compact, Revoke, Disarm })
        {
            Assert.Null(_gate.Refusal(request));
        }
    }

    [Fact]
    public void Refusal_Corrupt_RefusesEveryWriteCompactionAndLeaseChange_ButNotAlarms()
    {
        _alarms.Activate(0, AlarmType.Corrupt);
        foreach (var request in new[] { Put(), Txn(withPut: false), Delete, Compact, Grant, Revoke })
        {
            Assert.Equal(EtcdErrors.Corrupt, _gate.Refusal(request));
        }
        Assert.Null(_gate.Refusal(Disarm));
    }

    [Fact]
    public void Apply_Refused_DoesNotReachTheStores()
    {
        _alarms.Activate(1, AlarmType.Nospace);
        bool applied = false;
        var result = _gate.Apply(Put(), _ =>
        {
            applied = true;
            return new ApplyResult(new PutResponse());
        });
        Assert.False(applied);
        var error = Assert.IsType<EtcdException>(result.Error);
        Assert.Equal((StatusCode.ResourceExhausted, "etcdserver: mvcc: database space exceeded"), (error.Error.Code, error.Message));
    }

    [Fact]
    public void Apply_OverQuotaWhenApplied_TakesEffectButAnswersNospace()
    {
        _size = 9_900;
        bool applied = false;
        var result = _gate.Apply(Put(), _ =>
        {
            applied = true;
            return new ApplyResult(new PutResponse());
        });
        Assert.True(applied);
        Assert.Equal(EtcdErrors.NoSpace, Assert.IsType<EtcdException>(result.Error).Error);
        // Deletes cost nothing, so they always fit.
        Assert.Null(_gate.Apply(Delete, _ => new ApplyResult(new DeleteRangeResponse())).Error);
    }
}
