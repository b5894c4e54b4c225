namespace EtcdNet.Raft.Tests.Interaction;

internal sealed partial class InteractionEnv
{
    /// <summary>
    /// stabilize [ID...]: alternates process-ready and deliver-msgs over the nodes until no node has a
    /// Ready and no message to them is queued.
    /// </summary>
    private void HandleStabilize(ScriptArgs args)
    {
        var ids = IdsOrAll(args).ToList();
        for (var round = 0; ; round++)
        {
            if (round > 1000) throw new InvalidOperationException("stabilize did not converge");
            var busy = false;
            foreach (var id in ids)
            {
                if (Get(id).Raft.HasReady()) busy |= ProcessReady(id);
            }
            foreach (var id in ids) busy |= Deliver(id, drop: false);
            if (!busy) return;
        }
    }
}
