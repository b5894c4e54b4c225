using EtcdNet.Robustness.Runner;

namespace EtcdNet.Robustness.Faults;

/// <summary>kill -9 of the leader or of a follower, then a restart from its data dir once an election has had time to happen.</summary>
public sealed class KillMemberFault(bool leader) : Fault
{
    public override string Name => leader ? "kill-leader" : "kill-follower";

    public override async Task<bool> InjectAsync(FaultContext context, CancellationToken ct)
    {
        var target = leader ? await context.Cluster.LeaderAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false) : await context.FollowerAsync().ConfigureAwait(false);
        context.Log($"kill -9 {target.Name} (pid {target.Process?.Pid})");
        await target.KillAsync().ConfigureAwait(false);
        await Task.Delay(context.Outage, ct).ConfigureAwait(false);
        await RestartAsync(context, target).ConfigureAwait(false);
        return true;
    }

    /// <summary>Starts <paramref name="member"/> again (normal environment) and waits until it serves.</summary>
    public static async Task RestartAsync(FaultContext context, ClusterMember member)
    {
        context.Log($"restart {member.Name}");
        member.Launch();
        await member.WaitReadyAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
    }
}
