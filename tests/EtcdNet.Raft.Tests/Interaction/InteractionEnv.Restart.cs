namespace EtcdNet.Raft.Tests.Interaction;

internal sealed partial class InteractionEnv
{
    /// <summary>
    /// restart ID: the node crashes and restarts from its storage. Anything not persisted through a
    /// Ready (unstable entries, pending messages of the old instance) is lost; the applied index survives.
    /// </summary>
    private void HandleRestart(ScriptArgs args)
    {
        var n = Get(args.Id(0));
        // The application's applied index survives (it is stored with its data), but Raft restarts from the
        // snapshot: entries between the two are replayed so that conf changes rebuild the membership.
        var snapIndex = n.Storage.Snapshot().Metadata.Index;
        n.Config = new RaftConfig
        {
            Id = n.Config.Id, ElectionTick = n.Config.ElectionTick, HeartbeatTick = n.Config.HeartbeatTick,
            Storage = new AppliedSnapshotStorage(n), Applied = snapIndex, MaxSizePerMsg = n.Config.MaxSizePerMsg,
            MaxInflightMsgs = n.Config.MaxInflightMsgs, CheckQuorum = n.Config.CheckQuorum, PreVote = n.Config.PreVote,
            ReadOnlyOption = n.Config.ReadOnlyOption, DisableProposalForwarding = n.Config.DisableProposalForwarding,
            Random = new ZeroRandom(), Logger = n.Config.Logger,
        };
        n.Raft = new RaftNode(n.Config);
    }
}
