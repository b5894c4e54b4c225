using EtcdNet.Robustness.History;
using EtcdNet.Robustness.Traffic;

namespace EtcdNet.Robustness.Faults;

/// <summary>
/// A compaction during traffic, a few revisions behind the head so that reads at past revisions and watches from old
/// revisions meet it. The Compact request is recorded in the history like any client request.
/// </summary>
public sealed class CompactFault : Fault
{
    public override string Name => "compact";

    public override async Task<bool> InjectAsync(FaultContext context, CancellationToken ct)
    {
        var response = await CompactAsync(context, context.Random.Next(3, 20)).ConfigureAwait(false);
        return response is CompactResponse;
    }

    /// <summary>Compacts at (current revision - <paramref name="behind"/>) through the leader, recording the request.</summary>
    public static async Task<Response?> CompactAsync(FaultContext context, int behind)
    {
        var leader = await context.Cluster.LeaderAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        var head = await leader.Client.DoAsync(new RangeRequest("health"), TimeSpan.FromSeconds(3), CancellationToken.None).ConfigureAwait(false);
        var revision = Math.Max(2, head.Revision - behind);
        var request = new CompactRequest(revision);
        context.Log($"compact at revision {revision} (head {head.Revision}) through {leader.Name}");
        var id = context.Recorder.Call(FaultContext.CompactorClientId, request);
        try
        {
            var response = await leader.Client.DoAsync(request, TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false);
            context.Recorder.Return(id, response);
            return response;
        }
        catch (Exception e)
        {
            if (Outcome.Definite(e) is { } definite)
            {
                context.Recorder.Return(id, definite);
                return definite;
            }
            context.Recorder.Fail(id, Outcome.Describe(e));
            return null;
        }
    }
}
