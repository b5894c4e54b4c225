namespace EtcdNet.Raft.Tests.Interaction;

internal sealed partial class InteractionEnv
{
    /// <summary>tick-election ID / tick-heartbeat ID: ticks the node ElectionTick (or HeartbeatTick) times.</summary>
    private void HandleTick(ScriptArgs args, bool election)
    {
        foreach (var id in args.PositionalIds())
        {
            var n = Get(id);
            var count = election ? n.Config.ElectionTick : n.Config.HeartbeatTick;
            for (var i = 0; i < count; i++) n.Raft.Tick();
        }
    }
}
