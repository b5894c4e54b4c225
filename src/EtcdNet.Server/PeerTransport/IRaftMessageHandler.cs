using EtcdNet.Raft.Raftpb;

namespace EtcdNet.Server.PeerTransport;

/// <summary>What the transport tells the server: messages that arrived, and how sends to peers went.</summary>
/// <remarks>
/// Called from transport threads (one per inbound stream, plus the caller of <see cref="RaftTransport.Send"/>),
/// possibly at once: implementations must be thread-safe and must not block (hand the call to the raft loop).
/// </remarks>
public interface IRaftMessageHandler
{
    /// <summary>A message from a peer, to be stepped into the local raft node. A MsgSnap's db file is saved already.</summary>
    void Process(Message message);

    /// <summary>A message to <paramref name="peerId"/> was dropped (queue full or peer unreachable); raft should probe.</summary>
    void ReportUnreachable(ulong peerId);

    /// <summary>A snapshot sent to <paramref name="peerId"/> was received and saved, or failed.</summary>
    void ReportSnapshot(ulong peerId, bool failed);

    /// <summary>
    /// <paramref name="peerId"/> refused this member as removed from the cluster; etcd stops the member on this
    /// ("the member has been permanently removed from the cluster").
    /// </summary>
    void ReportRemoved(ulong peerId);
}
