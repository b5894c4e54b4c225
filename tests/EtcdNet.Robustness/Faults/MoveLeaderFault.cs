namespace EtcdNet.Robustness.Faults;

/// <summary>A leader transfer (Maintenance.MoveLeader) from the current leader to a random follower.</summary>
public sealed class MoveLeaderFault : Fault
{
    public override string Name => "move-leader";

    public override async Task<bool> InjectAsync(FaultContext context, CancellationToken ct)
    {
        var leader = await context.Cluster.LeaderAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        var target = await context.FollowerAsync().ConfigureAwait(false);
        context.Log($"move leader {leader.Name} -> {target.Name} ({target.Id:x})");
        await leader.Client.MoveLeaderAsync(target.Id, TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);
        var now = await context.Cluster.LeaderAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        context.Log($"leader is now {now.Name}");
        return true;
    }
}
