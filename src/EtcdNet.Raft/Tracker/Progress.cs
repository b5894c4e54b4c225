namespace EtcdNet.Raft.Tracker;

/// <summary>
/// The leader's view of one follower: what it has (Match), what to send next (Next) and how to send it
/// (the probe / replicate / snapshot state machine).
/// </summary>
public sealed class Progress
{
    /// <summary>Creates progress for a peer.</summary>
    public Progress(int maxInflight) => Inflights = new Inflights(maxInflight);

    /// <summary>Highest index known to be replicated on the follower.</summary>
    public ulong Match { get; set; }

    /// <summary>Index of the next entry to send.</summary>
    public ulong Next { get; set; }

    /// <summary>How the leader replicates to this follower.</summary>
    public ProgressState State { get; private set; } = ProgressState.StateProbe;

    /// <summary>In the snapshot state, the index of the snapshot being sent.</summary>
    public ulong PendingSnapshot { get; set; }

    /// <summary>Heard from since the last check-quorum round.</summary>
    public bool RecentActive { get; set; }

    /// <summary>In the probe state, an append is outstanding: wait for its answer (or a heartbeat response).</summary>
    public bool ProbeSent { get; set; }

    /// <summary>Appends in flight in the replicate state.</summary>
    public Inflights Inflights { get; }

    /// <summary>The peer is a learner: it replicates but never counts.</summary>
    public bool IsLearner { get; set; }

    /// <summary>Resets flow control when the state changes.</summary>
    private void ResetState(ProgressState state)
    {
        ProbeSent = false;
        PendingSnapshot = 0;
        State = state;
        Inflights.Reset();
    }

    /// <summary>Back to probing, one message at a time.</summary>
    public void BecomeProbe()
    {
        if (State == ProgressState.StateSnapshot)
        {
            // After a snapshot the follower has at least the snapshot: resume right after it.
            var pending = PendingSnapshot;
            ResetState(ProgressState.StateProbe);
            Next = Math.Max(Match + 1, pending + 1);
        }
        else
        {
            ResetState(ProgressState.StateProbe);
            Next = Match + 1;
        }
    }

    /// <summary>Start streaming right after Match.</summary>
    public void BecomeReplicate()
    {
        ResetState(ProgressState.StateReplicate);
        Next = Match + 1;
    }

    /// <summary>Pause appends while the snapshot at snapshotIndex is sent.</summary>
    public void BecomeSnapshot(ulong snapshotIndex)
    {
        ResetState(ProgressState.StateSnapshot);
        PendingSnapshot = snapshotIndex;
    }

    /// <summary>
    /// An append up to n was acknowledged. Returns false when the answer is stale (Match already covers it).
    /// </summary>
    public bool MaybeUpdate(ulong n)
    {
        var updated = false;
        if (Match < n)
        {
            Match = n;
            updated = true;
            ProbeSent = false;
        }
        Next = Math.Max(Next, n + 1);
        return updated;
    }

    /// <summary>In the replicate state, entries up to n were sent: move Next past them without waiting.</summary>
    public void OptimisticUpdate(ulong n) => Next = n + 1;

    /// <summary>
    /// The follower rejected an append at index rejected; its last index is last. Moves Next back
    /// and returns true, or returns false when the rejection is stale (out of order).
    /// </summary>
    public bool MaybeDecrTo(ulong rejected, ulong last)
    {
        if (State == ProgressState.StateReplicate)
        {
            // Anything at or below Match cannot really be rejected: an old message.
            if (rejected <= Match) return false;
            Next = Match + 1;
            return true;
        }
        // In probe state only the answer to the one outstanding probe (at Next-1) counts.
        if (Next - 1 != rejected) return false;
        Next = Math.Max(Math.Min(rejected, last + 1), 1);
        ProbeSent = false;
        return true;
    }

    /// <summary>Whether the leader should hold back appends to this follower.</summary>
    public bool IsPaused => State switch
    {
        ProgressState.StateProbe => ProbeSent,
        ProgressState.StateReplicate => Inflights.Full,
        _ => true,
    };

    /// <inheritdoc />
    public override string ToString()
    {
        var s = $"{State} match={Match} next={Next}";
        if (IsLearner) s += " learner";
        if (IsPaused) s += " paused";
        if (PendingSnapshot > 0) s += $" pendingSnap={PendingSnapshot}";
        if (!RecentActive) s += " inactive";
        if (Inflights.Count > 0) s += $" inflight={Inflights.Count}" + (Inflights.Full ? "[full]" : "");
        return s;
    }
}
