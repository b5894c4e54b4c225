using EtcdNet.Raft.Raftpb;
using EtcdNet.Raft.Tracker;

namespace EtcdNet.Raft.ConfChange;

/// <summary>
/// Computes and installs membership changes, one voter at a time (no joint consensus): add a voter,
/// add a learner, promote a learner, demote a voter, remove a member. Invalid changes throw before
/// anything is modified.
/// </summary>
public static class ConfChanger
{
    /// <summary>Applies changes to tracker; new members start with Next = max(lastIndex, 1).</summary>
    public static void Simple(ProgressTracker tracker, IEnumerable<ConfChangeSingle> changes, ulong lastIndex)
    {
        var voters = new SortedSet<ulong>(tracker.Voters.Ids);
        var learners = new SortedSet<ulong>(tracker.Learners);
        foreach (var cc in changes)
        {
            if (cc.NodeId == 0) continue; // etcd treats a zero id as a no-op
            switch (cc.Type)
            {
                case ConfChangeType.ConfChangeAddNode:
                    learners.Remove(cc.NodeId);
                    voters.Add(cc.NodeId);
                    break;
                case ConfChangeType.ConfChangeAddLearnerNode:
                    voters.Remove(cc.NodeId);
                    learners.Add(cc.NodeId);
                    break;
                case ConfChangeType.ConfChangeRemoveNode:
                    voters.Remove(cc.NodeId);
                    learners.Remove(cc.NodeId);
                    break;
                case ConfChangeType.ConfChangeUpdateNode:
                    break;
                default:
                    throw new InvalidOperationException($"unexpected conf type {cc.Type}");
            }
        }
        if (voters.Count == 0) throw new InvalidOperationException("removed all voters");
        var changed = voters.SymmetricExceptCount(tracker.Voters.Ids);
        if (changed > 1) throw new InvalidOperationException("more than one voter changed without entering joint config");
        tracker.SetConfig(voters, learners, Math.Max(lastIndex, 1));
    }

    /// <summary>Installs the configuration of a snapshot (or of storage at start-up).</summary>
    public static void Restore(ProgressTracker tracker, ConfState cs, ulong lastIndex)
    {
        if (cs.VotersOutgoing.Count > 0 || cs.LearnersNext.Count > 0)
            throw new NotSupportedException("joint configurations are not supported");
        foreach (var id in cs.Learners)
        {
            if (cs.Voters.Contains(id)) throw new InvalidOperationException($"{id} is in Learners and Voters");
        }
        tracker.SetConfig(cs.Voters, cs.Learners, Math.Max(lastIndex, 1));
    }

    /// <summary>The single changes a ConfChange or ConfChangeV2 stands for.</summary>
    public static IReadOnlyList<ConfChangeSingle> Changes(Raftpb.ConfChange cc) =>
        [new ConfChangeSingle { Type = cc.Type, NodeId = cc.NodeId }];

    private static int SymmetricExceptCount(this SortedSet<ulong> a, IReadOnlyList<ulong> b)
    {
        var n = 0;
        foreach (var id in b) if (!a.Contains(id)) n++;
        var bs = new HashSet<ulong>(b);
        foreach (var id in a) if (!bs.Contains(id)) n++;
        return n;
    }
}
