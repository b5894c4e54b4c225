using EtcdNet.Raft.Raftpb;
using EtcdNet.Server.Raft;

namespace EtcdNet.Server;

/// <summary>What the raft loop asks of the server: sending, applying, and hearing about leadership.</summary>
public sealed partial class EtcdServer : IRaftHost
{
    private readonly CancellationTokenSource _stopping = new();
    private TaskCompletionSource _leaderSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next change of leader (or term).</summary>
    public Task WaitForLeaderChangeAsync(CancellationToken ct) => Volatile.Read(ref _leaderSignal).Task.WaitAsync(ct);

    /// <summary>Completes once a leader is known (proposals made without one would only be dropped).</summary>
    public async Task WaitForLeaderAsync(CancellationToken ct)
    {
        while (LeaderId == 0)
        {
            var signal = Volatile.Read(ref _leaderSignal).Task;
            if (LeaderId != 0) return;
            await signal.WaitAsync(ct).ConfigureAwait(false);
        }
    }

    void IRaftHost.Send(IReadOnlyList<Message> messages)
    {
        // Peers arrive with the cluster transport; a single member has nobody to send to.
    }

    void IRaftHost.Apply(ApplyBatch batch) => _apply.Enqueue(batch);

    /// <summary>Only the leader decides lease expiry: promote on gaining leadership, demote on losing it.</summary>
    void IRaftHost.OnLeaderChanged(ulong leader, ulong term, bool isLeader)
    {
        Interlocked.Exchange(ref _leaderSignal, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        if (isLeader) Lessor.Promote(Options.ElectionTimeout);
        else if (Lessor.IsPrimary) Lessor.Demote();
    }
}
