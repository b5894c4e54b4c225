using EtcdNet.Raft.Raftpb;

namespace EtcdNet.Raft.Tests.Interaction;

internal sealed partial class InteractionEnv
{
    /// <summary>
    /// propose-conf-change ID add=N | add-learner=N | promote=N | remove=N: the node proposes one
    /// membership change (promote is an AddNode of a learner).
    /// </summary>
    private void HandleProposeConfChange(ScriptArgs args)
    {
        var (key, value) = args.Named.Single();
        var type = key switch
        {
            "add" or "promote" => ConfChangeType.ConfChangeAddNode,
            "add-learner" => ConfChangeType.ConfChangeAddLearnerNode,
            "remove" => ConfChangeType.ConfChangeRemoveNode,
            _ => throw new ArgumentException($"unknown conf change {key}"),
        };
        try
        {
            Get(args.Id(0)).Raft.ProposeConfChange(new Raftpb.ConfChange { Type = type, NodeId = ulong.Parse(value) });
        }
        catch (ProposalDroppedException e)
        {
            Line(e.Message);
        }
    }
}
