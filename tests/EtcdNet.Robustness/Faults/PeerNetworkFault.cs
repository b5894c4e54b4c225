namespace EtcdNet.Robustness.Faults;

/// <summary>
/// Peer traffic of one member (the leader half of the time) blackholed, or delayed, in both directions through the
/// proxy in front of its peer listener, then restored.
/// </summary>
public sealed class PeerNetworkFault(bool blackhole) : Fault
{
    public override string Name => blackhole ? "blackhole-peer" : "delay-peer";

    public override bool NeedsPeerProxies => true;

    public override async Task<bool> InjectAsync(FaultContext context, CancellationToken ct)
    {
        var target = context.Random.Next(2) == 0
            ? await context.Cluster.LeaderAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false)
            : await context.FollowerAsync().ConfigureAwait(false);
        var proxy = target.Proxy ?? throw new InvalidOperationException($"{target.Name} has no peer proxy");
        if (blackhole)
        {
            context.Log($"blackhole peer traffic of {target.Name}");
            await proxy.BlackholeAsync().ConfigureAwait(false);
        }
        else
        {
            var latency = TimeSpan.FromMilliseconds(200 + context.Random.Next(400));
            context.Log($"delay peer traffic of {target.Name} by {latency.TotalMilliseconds}ms±100ms");
            await proxy.DelayAsync(latency, TimeSpan.FromMilliseconds(100)).ConfigureAwait(false);
        }
        try
        {
            await Task.Delay(context.Outage * 2, ct).ConfigureAwait(false);
        }
        finally
        {
            context.Log($"restore peer traffic of {target.Name}");
            if (blackhole) await proxy.UnblackholeAsync().ConfigureAwait(false);
            else await proxy.UndelayAsync().ConfigureAwait(false);
        }
        await target.WaitReadyAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        return true;
    }
}
