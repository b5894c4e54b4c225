using EtcdNet.Robustness.Runner;

namespace EtcdNet.Robustness.Faults;

/// <summary>
/// A crash at a named failpoint (failpoint-NAME): a member (leader or follower) is killed and started again from
/// the failpoints build with ETCDNET_FAILPOINTS="NAME=panic", the failpoint is driven (traffic, a compaction, a
/// defragment, or a snapshot from the leader after the member fell behind), the member dies there, and it is
/// started once more without failpoints. A failpoint that does not fire in time counts as not injected.
/// </summary>
public sealed class FailpointFault(string failpoint) : Fault
{
    /// <summary>The failpoints the runner knows how to drive (names as etcd's gofail points where they exist).</summary>
    public static readonly IReadOnlyList<string> Known =
    [
        "raftBeforeSave", "raftAfterSave", "beforeApplyOneEntryNormal",
        "raftBeforeSaveSnap", "raftAfterSaveSnap", "raftBeforeApplySnap", "raftAfterApplySnap",
        "compactBeforeCommitScheduledCompact", "compactAfterCommitScheduledCompact", "compactBeforeSetFinishedCompact",
        "defragBeforeCopy",
    ];

    private static readonly TimeSpan FireTimeout = TimeSpan.FromSeconds(20);

    public override string Name => "failpoint-" + failpoint;

    public override bool NeedsFailpoints => true;

    // Frequent snapshots and a short catch-up log, so that a member that falls behind gets a snapshot.
    public override IReadOnlyList<string> MemberArgs =>
        IsSnapshot ? ["--snapshot-count", "40", "--experimental-snapshot-catchup-entries", "10"] : [];

    private bool IsSnapshot => failpoint.Contains("Snap", StringComparison.Ordinal);

    public override async Task<bool> InjectAsync(FaultContext context, CancellationToken ct)
    {
        var target = IsSnapshot
            ? await context.FollowerAsync().ConfigureAwait(false)
            : context.Random.Next(2) == 0 ? await context.Cluster.LeaderAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false) : await context.FollowerAsync().ConfigureAwait(false);
        context.Log($"kill -9 {target.Name}, restart it with {failpoint}=panic");
        await target.KillAsync().ConfigureAwait(false);
        if (IsSnapshot)
        {
            // Let the others move far enough ahead that the leader can only catch this member up with a snapshot.
            var leader = await context.Cluster.LeaderAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            var from = (await leader.Client.StatusAsync(TimeSpan.FromSeconds(2), ct).ConfigureAwait(false)).RaftIndex;
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while (DateTime.UtcNow < deadline && (await leader.Client.StatusAsync(TimeSpan.FromSeconds(2), ct).ConfigureAwait(false)).RaftIndex < from + 100)
            {
                await Task.Delay(200, ct).ConfigureAwait(false);
            }
        }
        target.Launch($"{failpoint}=panic");
        var fired = await DriveAsync(context, target).ConfigureAwait(false);
        context.Log(fired ? $"{target.Name} crashed at {failpoint}" : $"{failpoint} did not fire on {target.Name} within {FireTimeout.TotalSeconds}s");
        await target.KillAsync().ConfigureAwait(false);
        await KillMemberFault.RestartAsync(context, target).ConfigureAwait(false);
        return fired;
    }

    /// <summary>Makes the member reach the failpoint; true once it has died there.</summary>
    private async Task<bool> DriveAsync(FaultContext context, ClusterMember target)
    {
        var deadline = DateTime.UtcNow + FireTimeout;
        var driven = false;
        while (DateTime.UtcNow < deadline)
        {
            if (await target.WaitExitAsync(TimeSpan.FromMilliseconds(500)).ConfigureAwait(false))
            {
                return target.Process?.Output.Contains($"failpoint {failpoint}: panic", StringComparison.Ordinal) == true;
            }
            if (driven) continue;
            try
            {
                if (failpoint.StartsWith("compact", StringComparison.Ordinal))
                {
                    await target.WaitReadyAsync(TimeSpan.FromSeconds(15)).ConfigureAwait(false);
                    target.Up = false;
                    driven = await CompactFault.CompactAsync(context, context.Random.Next(3, 20)).ConfigureAwait(false) is not null;
                }
                else if (failpoint.StartsWith("defrag", StringComparison.Ordinal))
                {
                    await target.WaitReadyAsync(TimeSpan.FromSeconds(15)).ConfigureAwait(false);
                    target.Up = false;
                    _ = target.Client.DefragmentAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
                    driven = true;
                }
            }
            catch (Exception e) when (e is TimeoutException or InvalidOperationException)
            {
                // The member died while starting (the failpoint may sit on that path): the loop sees the exit.
            }
        }
        return false;
    }
}
