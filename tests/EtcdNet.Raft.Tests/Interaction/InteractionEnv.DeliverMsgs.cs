namespace EtcdNet.Raft.Tests.Interaction;

internal sealed partial class InteractionEnv
{
    /// <summary>
    /// deliver-msgs [drop=(IDs)] [ID...]: delivers the queued messages addressed to each node, in send
    /// order. Messages to nodes in drop, across a cut link, or to unknown nodes are dropped (and shown).
    /// </summary>
    private void HandleDeliverMsgs(ScriptArgs args)
    {
        var drop = args.Ids("drop").ToHashSet();
        var ids = args.Positional.Count > 0 ? args.PositionalIds() : Nodes.Select(n => n.Id).Concat(drop).Distinct().ToList();
        foreach (var id in ids) Deliver(id, drop.Contains(id));
    }

    internal bool Deliver(ulong id, bool drop)
    {
        var msgs = Messages.Where(m => m.To == id).ToList();
        if (msgs.Count == 0) return false;
        Messages.RemoveAll(m => m.To == id);
        Line($"> {id} receiving messages");
        Indent = "  ";
        try
        {
            foreach (var m in msgs)
            {
                if (drop || IsCut(m) || id > (ulong)Nodes.Count)
                {
                    Line($"dropped: {Describe.Message(m)}");
                    continue;
                }
                Line(Describe.Message(m));
                Indent = "    ";
                try
                {
                    // A copy, as if it crossed the wire: the receiver may modify what it steps.
                    Get(id).Raft.Step(m.Clone());
                }
                catch (ProposalDroppedException e)
                {
                    Line(e.Message);
                }
                Indent = "  ";
            }
        }
        finally
        {
            Indent = "";
        }
        return true;
    }
}
