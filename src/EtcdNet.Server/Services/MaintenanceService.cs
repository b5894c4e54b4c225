using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Grpc;

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
            IsLearner = server.LocalMember.IsLearner,
        };
        return ValueTask.FromResult(response);
    }

    /// <summary>No alarm can be raised yet (quotas arrive with the operations issue), so GET lists none.</summary>
    public ValueTask<AlarmResponse> Alarm(AlarmRequest request, CallContext context) =>
        ValueTask.FromResult(new AlarmResponse { Header = server.NewHeader() });
}
