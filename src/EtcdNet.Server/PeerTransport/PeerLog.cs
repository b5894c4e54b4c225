using Microsoft.Extensions.Logging;

namespace EtcdNet.Server.PeerTransport;

/// <summary>The transport's log lines, worded and keyed as etcd's rafthttp logs them.</summary>
internal static partial class PeerLog
{
    [LoggerMessage(EventId = 6000, Level = LogLevel.Information,
        Message = "added remote peer local-member-id={LocalMemberId} remote-peer-id={RemotePeerId} remote-peer-urls={RemotePeerUrls}")]
    public static partial void PeerAdded(ILogger logger, string localMemberId, string remotePeerId, string remotePeerUrls);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information,
        Message = "removed remote peer local-member-id={LocalMemberId} removed-remote-peer-id={RemotePeerId}")]
    public static partial void PeerRemoved(ILogger logger, string localMemberId, string remotePeerId);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information,
        Message = "updated remote peer local-member-id={LocalMemberId} updated-remote-peer-id={RemotePeerId} updated-remote-peer-urls={RemotePeerUrls}")]
    public static partial void PeerUpdated(ILogger logger, string localMemberId, string remotePeerId, string remotePeerUrls);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Information,
        Message = "peer became active peer-id={RemotePeerId}")]
    public static partial void PeerActive(ILogger logger, string remotePeerId);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Warning,
        Message = "peer became inactive (message send to peer failed) peer-id={RemotePeerId} error={Error}")]
    public static partial void PeerInactive(ILogger logger, string remotePeerId, string error);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Warning,
        Message = "lost TCP streaming connection with remote peer local-member-id={LocalMemberId} remote-peer-id={RemotePeerId} error={Error}")]
    public static partial void StreamLost(ILogger logger, string localMemberId, string remotePeerId, string error);

    [LoggerMessage(EventId = 6006, Level = LogLevel.Information,
        Message = "established TCP streaming connection with remote peer local-member-id={LocalMemberId} remote-peer-id={RemotePeerId}")]
    public static partial void StreamAccepted(ILogger logger, string localMemberId, string remotePeerId);

    [LoggerMessage(EventId = 6007, Level = LogLevel.Error,
        Message = "request sent was ignored by remote peer due to cluster ID mismatch remote-peer-id={RemotePeerId} local-member-cluster-id={ClusterId}")]
    public static partial void ClusterIdMismatch(ILogger logger, string remotePeerId, string clusterId);

    [LoggerMessage(EventId = 6008, Level = LogLevel.Warning,
        Message = "rejected stream from remote peer because it was removed local-member-id={LocalMemberId} remote-peer-id-stream-handler={RemotePeerId}")]
    public static partial void RemovedPeerRejected(ILogger logger, string localMemberId, string remotePeerId);

    [LoggerMessage(EventId = 6009, Level = LogLevel.Warning,
        Message = "failed to find remote peer in cluster; refused a request with a mismatched cluster ID local-member-id={LocalMemberId} remote-peer-cluster-id={RemoteClusterId} local-member-cluster-id={ClusterId}")]
    public static partial void ClusterIdRejected(ILogger logger, string localMemberId, string remoteClusterId, string clusterId);

    [LoggerMessage(EventId = 6010, Level = LogLevel.Information,
        Message = "sending database snapshot local-member-id={LocalMemberId} remote-peer-id={RemotePeerId} snapshot-index={Index}")]
    public static partial void SnapshotSending(ILogger logger, string localMemberId, string remotePeerId, ulong index);

    [LoggerMessage(EventId = 6011, Level = LogLevel.Information,
        Message = "sent database snapshot local-member-id={LocalMemberId} remote-peer-id={RemotePeerId} snapshot-index={Index} size={Size}")]
    public static partial void SnapshotSent(ILogger logger, string localMemberId, string remotePeerId, ulong index, long size);

    [LoggerMessage(EventId = 6012, Level = LogLevel.Warning,
        Message = "failed to send database snapshot local-member-id={LocalMemberId} remote-peer-id={RemotePeerId} snapshot-index={Index} error={Error}")]
    public static partial void SnapshotSendFailed(ILogger logger, string localMemberId, string remotePeerId, ulong index, string error);

    [LoggerMessage(EventId = 6013, Level = LogLevel.Information,
        Message = "received and saved database snapshot local-member-id={LocalMemberId} remote-snapshot-sender-id={RemotePeerId} incoming-snapshot-index={Index} db-size={Size}")]
    public static partial void SnapshotReceived(ILogger logger, string localMemberId, string remotePeerId, ulong index, long size);

    [LoggerMessage(EventId = 6014, Level = LogLevel.Warning,
        Message = "failed to save incoming database snapshot local-member-id={LocalMemberId} remote-snapshot-sender-id={RemotePeerId} incoming-snapshot-index={Index} error={Error}")]
    public static partial void SnapshotReceiveFailed(ILogger logger, string localMemberId, string remotePeerId, ulong index, string error);

    [LoggerMessage(EventId = 6015, Level = LogLevel.Warning,
        Message = "failed to process Raft message local-member-id={LocalMemberId} remote-peer-id={RemotePeerId} error={Error}")]
    public static partial void ProcessFailed(ILogger logger, string localMemberId, string remotePeerId, string error);

    [LoggerMessage(EventId = 6016, Level = LogLevel.Debug,
        Message = "dropped internal Raft message since sending buffer is full (overloaded network) message-type={MessageType} local-member-id={LocalMemberId} remote-peer-id={RemotePeerId}")]
    public static partial void Dropped(ILogger logger, string messageType, string localMemberId, string remotePeerId);

    [LoggerMessage(EventId = 6017, Level = LogLevel.Error,
        Message = "remote peer reported this member as removed from the cluster local-member-id={LocalMemberId} remote-peer-id={RemotePeerId}")]
    public static partial void RemovedByPeer(ILogger logger, string localMemberId, string remotePeerId);
}
