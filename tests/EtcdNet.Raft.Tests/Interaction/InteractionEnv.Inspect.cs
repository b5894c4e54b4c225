namespace EtcdNet.Raft.Tests.Interaction;

internal sealed partial class InteractionEnv
{
    /// <summary>status ID: the node's state and, on a leader, each member's progress.</summary>
    private void HandleStatus(ScriptArgs args)
    {
        var n = Get(args.Id(0));
        var r = n.Raft.Raft;
        var st = n.Raft.Status;
        Line($"{st.Id}: {st.RaftState} Term:{st.Term} Lead:{st.Lead} Commit:{st.Commit} Applied:{st.Applied}");
        if (st.RaftState != RaftState.Leader) return;
        foreach (var id in r.Prs.Ids) Line($"{id}: {r.Prs.Get(id)}");
    }

    /// <summary>raft-state: one line per node with its role, membership, term and leader.</summary>
    private void HandleRaftState()
    {
        foreach (var n in Nodes)
        {
            var r = n.Raft.Raft;
            var pr = r.Prs.Get(n.Id);
            var member = pr is null ? "Non-Voter" : pr.IsLearner ? "Learner" : "Voter";
            Line($"{n.Id}: {r.State} ({member}) Term:{r.Term} Lead:{r.Lead}");
        }
    }

    /// <summary>raft-log ID: the entries in the node's storage.</summary>
    private void HandleRaftLog(ScriptArgs args)
    {
        var n = Get(args.Id(0));
        var first = n.Storage.FirstIndex();
        var last = n.Storage.LastIndex();
        if (last < first)
        {
            Line($"log is empty: first index={first}, last index={last}");
            return;
        }
        foreach (var e in n.Storage.Entries(first, last + 1, ulong.MaxValue)) Line(Describe.Entry(e));
    }

    /// <summary>log-level debug|info|warn|none: which Raft log lines appear in the output.</summary>
    private void HandleLogLevel(ScriptArgs args) =>
        LogLevel = args.Positional[0] switch
        {
            "debug" => RaftLogLevel.Debug,
            "info" => RaftLogLevel.Info,
            "warn" => RaftLogLevel.Warning,
            _ => (RaftLogLevel)100,
        };

    /// <summary>report-unreachable LEADER PEER: the leader's transport failed to reach the peer.</summary>
    private void HandleReportUnreachable(ScriptArgs args) => Get(args.Id(0)).Raft.ReportUnreachable(args.Id(1));
}
