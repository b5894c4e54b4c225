namespace EtcdNet.Raft.Tests.Interaction;

internal sealed partial class InteractionEnv
{
    /// <summary>isolate ID: cuts every link to and from the node.</summary>
    private void HandleIsolate(ScriptArgs args)
    {
        foreach (var id in args.PositionalIds())
        {
            foreach (var other in Nodes.Select(n => n.Id).Where(o => o != id))
            {
                Cuts.Add((id, other));
                Cuts.Add((other, id));
            }
        }
    }

    /// <summary>partition (IDs) (IDs)...: cuts every link between different groups.</summary>
    private void HandlePartition(ScriptArgs args)
    {
        var groups = args.Positional.Select(ScriptArgs.ParseIds).ToList();
        for (var a = 0; a < groups.Count; a++)
        {
            for (var b = 0; b < groups.Count; b++)
            {
                if (a == b) continue;
                foreach (var x in groups[a])
                {
                    foreach (var y in groups[b]) Cuts.Add((x, y));
                }
            }
        }
    }

    /// <summary>heal: restores every link.</summary>
    private void HandleHeal() => Cuts.Clear();
}
