namespace EtcdNet.Raft.Tests.Interaction;

internal sealed partial class InteractionEnv
{
    /// <summary>campaign ID: the node starts an election (pre-vote first if configured).</summary>
    private void HandleCampaign(ScriptArgs args) => Get(args.Id(0)).Raft.Campaign();
}
