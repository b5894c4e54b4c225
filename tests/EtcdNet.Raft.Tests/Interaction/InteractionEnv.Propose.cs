using Google.Protobuf;

namespace EtcdNet.Raft.Tests.Interaction;

internal sealed partial class InteractionEnv
{
    /// <summary>propose ID DATA: the node proposes DATA (a follower forwards it to its leader).</summary>
    private void HandlePropose(ScriptArgs args)
    {
        try
        {
            Get(args.Id(0)).Raft.Propose(ByteString.CopyFromUtf8(args.Positional[1]));
        }
        catch (ProposalDroppedException e)
        {
            Line(e.Message);
        }
    }
}
