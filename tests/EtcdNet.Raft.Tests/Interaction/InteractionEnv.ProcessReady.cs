using EtcdNet.Raft.Raftpb;

namespace EtcdNet.Raft.Tests.Interaction;

internal sealed partial class InteractionEnv
{
    /// <summary>
    /// process-ready [ID...]: handles each node's Ready as a server would, in the documented order:
    /// persist snapshot, entries and hard state; queue messages; apply committed entries; Advance.
    /// </summary>
    private void HandleProcessReady(ScriptArgs args)
    {
        foreach (var id in IdsOrAll(args)) ProcessReady(id);
    }

    internal bool ProcessReady(ulong id)
    {
        var n = Get(id);
        Line($"> {id} handling Ready");
        Indent = "  ";
        try
        {
            if (!n.Raft.HasReady())
            {
                Line("<empty Ready>");
                return false;
            }
            var rd = n.Raft.GetReady();
            foreach (var l in Describe.Ready(rd).TrimEnd('\n').Split('\n')) Line(l);

            // 1. Persist.
            if (rd.Snapshot is not null)
            {
                n.Storage.ApplySnapshot(rd.Snapshot);
                n.ConfState = rd.Snapshot.Metadata.ConfState.Clone();
                n.Applied = rd.Snapshot.Metadata.Index;
            }
            n.Storage.Append(rd.Entries);
            if (rd.HardState is not null) n.Storage.SetHardState(rd.HardState);
            // 2. Send.
            foreach (var m in rd.Messages) Messages.Add(m);
            // 3. Apply.
            foreach (var e in rd.CommittedEntries)
            {
                // After a restart Raft replays from its snapshot; the application skips what it already
                // applied, but Raft must still see every conf change again to rebuild its membership.
                var replay = e.Index <= n.Applied;
                if (!replay && e.Index != n.Applied + 1)
                    throw new InvalidOperationException($"node {id} applies {e.Index} after {n.Applied}");
                if (e.Type == EntryType.EntryConfChange)
                {
                    var cs = n.Raft.ApplyConfChange(Raftpb.ConfChange.Parser.ParseFrom(e.Data));
                    if (!replay) n.ConfState = cs;
                }
                else if (!replay && !e.Data.IsEmpty)
                {
                    n.AppliedData.Add(e.Data.ToStringUtf8());
                }
                if (!replay) n.Applied = e.Index;
            }
            // 4. Done.
            n.Raft.Advance(rd);
            return true;
        }
        finally
        {
            Indent = "";
        }
    }
}
