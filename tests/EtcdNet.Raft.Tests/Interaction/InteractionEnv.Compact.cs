using Google.Protobuf;

namespace EtcdNet.Raft.Tests.Interaction;

internal sealed partial class InteractionEnv
{
    /// <summary>
    /// compact ID INDEX: the node snapshots its state at INDEX (with its current membership) and drops
    /// its log up to INDEX. INDEX must be applied.
    /// </summary>
    private void HandleCompact(ScriptArgs args)
    {
        var n = Get(args.Id(0));
        var index = args.Id(1);
        if (index > n.Applied) throw new InvalidOperationException($"cannot compact {index} beyond applied {n.Applied}");
        n.Storage.CreateSnapshot(index, n.ConfState, ByteString.CopyFromUtf8($"snap@{index}"));
        n.Storage.Compact(index);
        HandleRaftLog(new ScriptArgs($"raft-log {n.Id}"));
    }
}
