namespace EtcdNet.Robustness.Faults;

/// <summary>
/// One kind of fault a scenario injects during traffic (etcd robustness's failpoints, in spirit): it breaks something,
/// waits, and repairs it, leaving every member running and serving again when it returns.
/// </summary>
public abstract class Fault
{
    /// <summary>The scenario name (kill-leader, blackhole-peer, failpoint-raftAfterSave, ...).</summary>
    public abstract string Name { get; }

    /// <summary>True when the fault works through peer proxies (the cluster then starts with one per member).</summary>
    public virtual bool NeedsPeerProxies => false;

    /// <summary>True when the fault needs the failpoints build of etcdnet.</summary>
    public virtual bool NeedsFailpoints => false;

    /// <summary>Extra member flags the fault needs (a small snapshot count, say).</summary>
    public virtual IReadOnlyList<string> MemberArgs => [];

    /// <summary>
    /// Injects the fault once and repairs it; returns true if it was really injected (a failpoint that never fired
    /// returns false). Throws if the cluster cannot be brought back.
    /// </summary>
    public abstract Task<bool> InjectAsync(FaultContext context, CancellationToken ct);
}
