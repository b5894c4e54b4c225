using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Grpc;
using EtcdNet.Server.Tests.Hosting;
using EtcdNet.TestKit;
using Google.Protobuf;

namespace EtcdNet.Server.Tests.Quota;

/// <summary>A tiny --quota-backend-bytes filling up and recovering as etcd's docs describe, over the real gRPC layer.</summary>
public sealed class QuotaOverGrpcTests
{
    private const long Quota = 300_000;

    private static readonly string Value = new('v', 5000);

    private static Task<PutResponse> Put(InProcessMember m, string key, string value) =>
        m.CallAsync<PutRequest, PutResponse>("/etcdserverpb.KV/Put", new PutRequest { Key = ByteString.CopyFromUtf8(key), Value = ByteString.CopyFromUtf8(value) });

    private static Task<AlarmResponse> Alarm(InProcessMember m, AlarmRequest.Types.AlarmAction action, ulong member = 0, AlarmType type = AlarmType.None) =>
        m.CallAsync<AlarmRequest, AlarmResponse>("/etcdserverpb.Maintenance/Alarm", new AlarmRequest { Action = action, MemberID = member, Alarm = type });

    /// <summary>
    /// Overwrites one key until the quota refuses, and once more: the first refusal may come from the apply-time
    /// check (the write crossed the quota while in flight), which raises no alarm; the next one is refused before
    /// proposing and raises NOSPACE, as in etcd.
    /// </summary>
    private static async Task<RpcException> FillAsync(InProcessMember m)
    {
        for (int i = 0; i < 1000; i++)
        {
            try
            {
                await Put(m, "k", Value + i);
            }
            catch (RpcException)
            {
                return await Assert.ThrowsAsync<RpcException>(() => Put(m, "k", Value));
            }
        }
        throw new InvalidOperationException("the quota never refused a put");
    }

    [Fact]
    public async Task Quota_FillUntilNoSpace_ThenCompactDefragDisarm_WritesAgain()
    {
        await using var m = await InProcessMember.StartAsync(o => o with { QuotaBackendBytes = Quota });
        var full = await FillAsync(m);
        Assert.Equal((StatusCode.ResourceExhausted, "etcdserver: mvcc: database space exceeded"), (full.StatusCode, full.Detail));

        ulong id = m.Host.Server.MemberId;
        var expected = new AlarmMember { MemberID = id, Alarm = AlarmType.Nospace };
        var list = await Alarm(m, AlarmRequest.Types.AlarmAction.Get);
        Assert.Equal([expected], list.Alarms);
        Assert.Null(list.Header);
        var status = await m.CallAsync<StatusRequest, StatusResponse>("/etcdserverpb.Maintenance/Status", new StatusRequest());
        Assert.Equal([$"memberID:{id} alarm:NOSPACE "], status.Errors);

        // While NOSPACE is raised even a small put and a lease grant are refused; reads and deletes work.
        var small = await Assert.ThrowsAsync<RpcException>(() => Put(m, "small", "x"));
        Assert.Equal(StatusCode.ResourceExhausted, small.StatusCode);
        var grant = await Assert.ThrowsAsync<RpcException>(() => m.CallAsync<LeaseGrantRequest, LeaseGrantResponse>(
            "/etcdserverpb.Lease/LeaseGrant", new LeaseGrantRequest { TTL = 60 }));
        Assert.Equal("etcdserver: mvcc: database space exceeded", grant.Detail);
        var range = await m.CallAsync<RangeRequest, RangeResponse>("/etcdserverpb.KV/Range", new RangeRequest { Key = ByteString.CopyFromUtf8("k") });
        Assert.Single(range.Kvs);
        await m.CallAsync<DeleteRangeRequest, DeleteRangeResponse>("/etcdserverpb.KV/DeleteRange", new DeleteRangeRequest { Key = ByteString.CopyFromUtf8("nothing") });

        // etcd's recovery: compact away the history, defragment, disarm.
        await m.CallAsync<CompactionRequest, CompactionResponse>("/etcdserverpb.KV/Compact",
            new CompactionRequest { Revision = range.Header.Revision, Physical = true });
        await m.CallAsync<DefragmentRequest, DefragmentResponse>("/etcdserverpb.Maintenance/Defragment", new DefragmentRequest());
        Assert.True(m.Host.Server.DbSize < Quota / 2, $"db size {m.Host.Server.DbSize} after defrag");
        var disarmed = await Alarm(m, AlarmRequest.Types.AlarmAction.Deactivate, id, AlarmType.Nospace);
        Assert.Equal([expected], disarmed.Alarms);

        Assert.Empty((await Alarm(m, AlarmRequest.Types.AlarmAction.Get)).Alarms);
        await Put(m, "small", "x");
    }

    [Fact]
    public async Task Nospace_SurvivesRestart()
    {
        var dir = new TempDir();
        try
        {
            var m = await InProcessMember.StartAsync(o => o with { QuotaBackendBytes = Quota }, dir);
            await FillAsync(m);
            await m.StopAsync();

            await using var again = await InProcessMember.StartAsync(o => o with { QuotaBackendBytes = -1 }, dir);
            var list = await Alarm(again, AlarmRequest.Types.AlarmAction.Get);
            Assert.Equal(AlarmType.Nospace, Assert.Single(list.Alarms).Alarm);
            // No quota now, but the raised alarm still caps writes until it is disarmed.
            var refused = await Assert.ThrowsAsync<RpcException>(() => Put(again, "k2", "x"));
            Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        }
        finally
        {
            dir.Dispose();
        }
    }

    [Fact]
    public async Task Corrupt_RaisedByAClient_RefusesWritesWithDataLossUntilDisarmed()
    {
        await using var m = await InProcessMember.StartAsync();
        await Put(m, "a", "1");
        var raised = await Alarm(m, AlarmRequest.Types.AlarmAction.Activate, 0, AlarmType.Corrupt);
        Assert.Equal([new AlarmMember { Alarm = AlarmType.Corrupt }], raised.Alarms);

        var put = await Assert.ThrowsAsync<RpcException>(() => Put(m, "a", "2"));
        Assert.Equal((StatusCode.DataLoss, "etcdserver: corrupt cluster"), (put.StatusCode, put.Detail));
        var compact = await Assert.ThrowsAsync<RpcException>(() => m.CallAsync<CompactionRequest, CompactionResponse>(
            "/etcdserverpb.KV/Compact", new CompactionRequest { Revision = 1 }));
        Assert.Equal(StatusCode.DataLoss, compact.StatusCode);
        var status = await m.CallAsync<StatusRequest, StatusResponse>("/etcdserverpb.Maintenance/Status", new StatusRequest());
        Assert.Equal(["alarm:CORRUPT "], status.Errors);
        Assert.Contains("etcd_debugging_server_alarms{alarm_type=\"CORRUPT\",server_id=\"0\"} 1\n", m.Host.Server.Metrics.Registry.Expose(), StringComparison.Ordinal);

        await Alarm(m, AlarmRequest.Types.AlarmAction.Deactivate, 0, AlarmType.Corrupt);
        await Put(m, "a", "3");
    }
}
