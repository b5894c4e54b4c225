using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Grpc;
using EtcdNet.Mvcc;
using EtcdNet.Server.Errors;
using EtcdNet.Server.Services.Maintenance;

namespace EtcdNet.Server.Services;

/// <summary>etcdserverpb.Maintenance: status, alarms, hashes, defragmentation, snapshots, leader moves and downgrade checks.</summary>
public sealed class MaintenanceService(EtcdServer server)
{
    public ValueTask<StatusResponse> Status(StatusRequest request, CallContext context)
    {
        var response = new StatusResponse
        {
            Header = server.NewHeader(),
            Version = EtcdServer.Version,
            DbSize = server.DbSize,
            DbSizeInUse = server.DbSizeInUse,
            Leader = server.LeaderId,
            RaftIndex = server.CommittedIndex,
            RaftTerm = server.RaftTerm,
            RaftAppliedIndex = server.AppliedIndex,
            IsLearner = server.IsLearner,
        };
        // As etcd: no leader and every raised alarm show up in the status errors.
        if (response.Leader == 0) response.Errors.Add("etcdserver: no leader");
        foreach (var alarm in server.Alarms.Get(AlarmType.None)) response.Errors.Add(AlarmText(alarm));
        return ValueTask.FromResult(response);
    }

    /// <summary>
    /// Hands leadership to another voter (raft's TimeoutNow) and answers once it leads; only the leader may be
    /// asked, and only a voting member may be the target, as etcd checks.
    /// </summary>
    public async ValueTask<MoveLeaderResponse> MoveLeader(MoveLeaderRequest request, CallContext context)
    {
        if (!server.RaftLoop.IsLeader) throw EtcdErrors.NotLeader.ToException();
        var target = server.Cluster.Get(request.TargetID);
        if (target is null || target.IsLearner) throw EtcdErrors.BadLeaderTransferee.ToException();
        server.RaftLoop.Post(node => node.TransferLeader(request.TargetID));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        timeout.CancelAfter(server.Options.RequestTimeout);
        try
        {
            while (server.LeaderId != request.TargetID)
            {
                await server.WaitForLeaderChangeAsync(timeout.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!context.CancellationToken.IsCancellationRequested)
        {
            throw new Grpc.RpcException(Grpc.StatusCode.Unknown, "etcdserver: request timed out, leader transfer took too long");
        }
        return new MoveLeaderResponse { Header = server.NewHeader() };
    }

    /// <summary>
    /// etcd's Alarm: every action, GET included, goes through the log, so it answers what the cluster agreed on.
    /// Like etcd 3.4 the answer carries no header.
    /// </summary>
    public async ValueTask<AlarmResponse> Alarm(AlarmRequest request, CallContext context)
    {
        var result = await server.ProposeAsync(new InternalRaftRequest { Alarm = request }, context.CancellationToken).ConfigureAwait(false);
        return (AlarmResponse)result.Response!;
    }

    /// <summary>An alarm as gogo-protobuf's text form prints it ("memberID:1 alarm:NOSPACE "), which etcd puts in Status.errors.</summary>
    public static string AlarmText(AlarmMember alarm)
    {
        var text = new System.Text.StringBuilder();
        if (alarm.MemberID != 0) text.Append(System.Globalization.CultureInfo.InvariantCulture, $"memberID:{alarm.MemberID} ");
        if (alarm.Alarm != AlarmType.None) text.Append(System.Globalization.CultureInfo.InvariantCulture, $"alarm:{EtcdNet.Server.Alarm.AlarmStore.AlarmName(alarm.Alarm)} ");
        return text.ToString();
    }

    /// <summary>etcd's HashKV: the key bucket's checksum up to a revision, equal on members with the same history.</summary>
    public async ValueTask<HashKVResponse> HashKV(HashKVRequest request, CallContext context) =>
        await server.HashKVAsync(request.Revision, context.CancellationToken).ConfigureAwait(false);

    /// <summary>etcd's Hash: a checksum of the whole backend (every bucket but the consistent index).</summary>
    public async ValueTask<HashResponse> Hash(HashRequest request, CallContext context)
    {
        KvHash hash = await Task.Run(() => server.Kv.HashAll(), context.CancellationToken).ConfigureAwait(false);
        var header = new ResponseHeader { Revision = hash.Revision };
        server.FillHeader(header);
        return new HashResponse { Header = header, Hash = hash.Hash };
    }

    /// <summary>etcd's Defragment: rebuilds this member's backend file without free pages. Like etcd, no header.</summary>
    public async ValueTask<DefragmentResponse> Defragment(DefragmentRequest request, CallContext context)
    {
        await Task.Run(server.Backend.Defragment, context.CancellationToken).ConfigureAwait(false);
        return new DefragmentResponse();
    }

    /// <summary>etcd's Snapshot: the backend as a stream of blobs with a SHA-256 trailer.</summary>
    public Task Snapshot(SnapshotRequest request, IServerStreamWriter<SnapshotResponse> responses, CallContext context) =>
        SnapshotStream.SendAsync(server.Backend, responses, context.CancellationToken);

    /// <summary>
    /// etcd 3.5's Downgrade. VALIDATE and CANCEL answer as etcd does (no downgrade job can exist here, so CANCEL always
    /// finds none); ENABLE validates the same way and then refuses, since this server cannot run a downgrade job.
    /// </summary>
    public async ValueTask<DowngradeResponse> Downgrade(DowngradeRequest request, CallContext context)
    {
        switch (request.Action)
        {
            case DowngradeRequest.Types.DowngradeAction.Validate:
            case DowngradeRequest.Types.DowngradeAction.Enable:
                if (DowngradeCheck.MajorMinor(request.Version) is null) throw EtcdErrors.WrongDowngradeVersionFormat.ToException();
                // etcd reads linearizably first so that it never judges stale downgrade state.
                await server.LinearizableReadAsync(context.CancellationToken).ConfigureAwait(false);
                string version = DowngradeCheck.Validate(request.Version, downgradeEnabled: false);
                if (request.Action == DowngradeRequest.Types.DowngradeAction.Enable)
                {
                    throw new Grpc.RpcException(Grpc.StatusCode.Unimplemented, "etcdserver: this server cannot downgrade the cluster");
                }
                return new DowngradeResponse { Header = server.NewHeader(), Version = version };
            case DowngradeRequest.Types.DowngradeAction.Cancel:
                await server.LinearizableReadAsync(context.CancellationToken).ConfigureAwait(false);
                throw EtcdErrors.NoInflightDowngrade.ToException();
            default:
                throw new Grpc.RpcException(Grpc.StatusCode.InvalidArgument, "etcdserver: unknown downgrade action");
        }
    }
}
