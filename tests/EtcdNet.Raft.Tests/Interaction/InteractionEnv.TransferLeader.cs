namespace EtcdNet.Raft.Tests.Interaction;

internal sealed partial class InteractionEnv
{
    /// <summary>transfer-leader from=LEADER to=ID: asks the leader to hand leadership over.</summary>
    private void HandleTransferLeader(ScriptArgs args) =>
        Get(args.Number("from", 0)).Raft.TransferLeader(args.Number("to", 0));
}
