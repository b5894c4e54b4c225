using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Grpc;
using EtcdNet.Server.Errors;

namespace EtcdNet.Server.Services;

/// <summary>etcdserverpb.Maintenance: what a single member can answer so far (Status, alarm listing).</summary>
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

    /// <summary>No alarm can be raised yet (quotas arrive with the operations issue), so GET lists none.</summary>
    public ValueTask<AlarmResponse> Alarm(AlarmRequest request, CallContext context) =>
        ValueTask.FromResult(new AlarmResponse { Header = server.NewHeader() });
}
