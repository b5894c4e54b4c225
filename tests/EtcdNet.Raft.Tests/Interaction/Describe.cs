using System.Text;
using EtcdNet.Raft.Raftpb;
using Google.Protobuf;

namespace EtcdNet.Raft.Tests.Interaction;

/// <summary>Compact one-line renderings of Raft types for scripts and failure messages.</summary>
internal static class Describe
{
    public static string Data(ByteString data) => "\"" + data.ToStringUtf8() + "\"";

    public static string Entry(Entry e)
    {
        var s = $"{e.Term}/{e.Index} {e.Type}";
        switch (e.Type)
        {
            case EntryType.EntryConfChange:
                var cc = Raftpb.ConfChange.Parser.ParseFrom(e.Data);
                s += $" {ConfChangeText(cc.Type)} {cc.NodeId}";
                break;
            default:
                if (!e.Data.IsEmpty) s += " " + Data(e.Data);
                break;
        }
        return s;
    }

    public static string ConfChangeText(ConfChangeType t) => t switch
    {
        ConfChangeType.ConfChangeAddNode => "add",
        ConfChangeType.ConfChangeAddLearnerNode => "add-learner",
        ConfChangeType.ConfChangeRemoveNode => "remove",
        _ => "update",
    };

    public static string Entries(IEnumerable<Entry> ents) => "[" + string.Join(", ", ents.Select(Entry)) + "]";

    public static string ConfState(ConfState? cs)
    {
        if (cs is null) return "voters=()";
        var s = $"voters=({string.Join(" ", cs.Voters)})";
        if (cs.Learners.Count > 0) s += $" learners=({string.Join(" ", cs.Learners)})";
        return s;
    }

    public static string Snapshot(Snapshot s) =>
        $"Index:{s.Metadata.Index} Term:{s.Metadata.Term} ConfState:{ConfState(s.Metadata.ConfState)}";

    public static string Message(Message m)
    {
        var sb = new StringBuilder();
        sb.Append($"{m.From}->{m.To} {m.Type} Term:{m.Term} Log:{m.LogTerm}/{m.Index}");
        if (m.Reject) sb.Append($" Rejected (Hint: {m.RejectHint})");
        if (m.Commit != 0) sb.Append($" Commit:{m.Commit}");
        if (m.Entries.Count > 0) sb.Append(" Entries:").Append(Entries(m.Entries));
        if (m.Snapshot is not null && m.Snapshot.Metadata is not null && m.Snapshot.Metadata.Index != 0)
            sb.Append(" Snapshot: ").Append(Snapshot(m.Snapshot));
        if (!m.Context.IsEmpty) sb.Append(" Context:").Append(Data(m.Context));
        return sb.ToString();
    }

    public static string HardState(HardState hs) => $"HardState Term:{hs.Term} Vote:{hs.Vote} Commit:{hs.Commit}";

    public static string Ready(Ready rd)
    {
        var sb = new StringBuilder();
        sb.Append($"Ready MustSync={rd.MustSync.ToString().ToLowerInvariant()}:\n");
        if (rd.SoftState is { } ss) sb.Append($"Lead:{ss.Lead} State:{ss.RaftState}\n");
        if (rd.HardState is not null) sb.Append(HardState(rd.HardState)).Append('\n');
        if (rd.ReadStates.Count > 0)
        {
            sb.Append("ReadStates:\n");
            foreach (var rs in rd.ReadStates) sb.Append($"  Index:{rs.Index} RequestCtx:{Data(rs.RequestCtx)}\n");
        }
        if (rd.Entries.Count > 0)
        {
            sb.Append("Entries:\n");
            foreach (var e in rd.Entries) sb.Append("  ").Append(Entry(e)).Append('\n');
        }
        if (rd.Snapshot is not null) sb.Append("Snapshot ").Append(Snapshot(rd.Snapshot)).Append('\n');
        if (rd.CommittedEntries.Count > 0)
        {
            sb.Append("CommittedEntries:\n");
            foreach (var e in rd.CommittedEntries) sb.Append("  ").Append(Entry(e)).Append('\n');
        }
        if (rd.Messages.Count > 0)
        {
            sb.Append("Messages:\n");
            foreach (var m in rd.Messages) sb.Append("  ").Append(Message(m)).Append('\n');
        }
        return sb.ToString();
    }
}
