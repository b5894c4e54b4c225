using EtcdNet.TestKit;

namespace EtcdNet.Robustness.Faults;

/// <summary>SIGSTOP of a member (the leader half of the time) for longer than an election timeout, then SIGCONT.</summary>
public sealed class SigStopFault : Fault
{
    public override string Name => "sigstop";

    public override async Task<bool> InjectAsync(FaultContext context, CancellationToken ct)
    {
        var target = context.Random.Next(2) == 0
            ? await context.Cluster.LeaderAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false)
            : await context.FollowerAsync().ConfigureAwait(false);
        context.Log($"SIGSTOP {target.Name} (pid {target.Process?.Pid})");
        target.Up = false;
        target.Signal(Posix.SigStop);
        try
        {
            await Task.Delay(context.Outage, ct).ConfigureAwait(false);
        }
        finally
        {
            context.Log($"SIGCONT {target.Name}");
            target.Signal(Posix.SigCont);
        }
        await target.WaitReadyAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        return true;
    }
}
