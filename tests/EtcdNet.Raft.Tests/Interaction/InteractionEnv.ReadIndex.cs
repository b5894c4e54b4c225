using Google.Protobuf;

namespace EtcdNet.Raft.Tests.Interaction;

internal sealed partial class InteractionEnv
{
    /// <summary>read-index ID CTX: the node requests a linearizable read point identified by CTX.</summary>
    private void HandleReadIndex(ScriptArgs args) =>
        Get(args.Id(0)).Raft.ReadIndex(ByteString.CopyFromUtf8(args.Positional[1]));
}
