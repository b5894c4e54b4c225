using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Grpc;
using EtcdNet.Mvcc;
using EtcdNet.Server.Errors;
using Microsoft.Extensions.Logging;

namespace EtcdNet.Server.Corruption;

/// <summary>
/// etcd's corruption checks: before serving, a restarted member compares its HashKV with its peers' at its own
/// revision and refuses to start on a mismatch (--experimental-initial-corrupt-check); while running, the leader
/// compares every member's HashKV with its own every --experimental-corrupt-check-time and raises CORRUPT on a
/// mismatch. Hashes are only compared where they must agree: the same revision and the same compact revision.
/// </summary>
public sealed partial class CorruptionChecker(
    ulong localId,
    Func<long, KvHash> hashByRevision,
    IPeerHashSource peers,
    Func<CancellationToken, Task> linearizableRead,
    Func<AlarmRequest, CancellationToken, Task> raiseAlarm,
    ILogger logger)
{
    private string LocalId => $"{localId:x}";

    /// <summary>etcd's CheckInitialHashKV; throws <see cref="DataInconsistencyException"/> when a peer disagrees.</summary>
    public async Task CheckInitialAsync(TimeSpan timeout, CancellationToken ct)
    {
        LogInitialStarting(logger, LocalId, timeout);
        KvHash local = hashByRevision(0);
        int mismatches = 0;
        foreach (var peer in await peers.FetchAsync(local.Revision, ct).ConfigureAwait(false))
        {
            string endpoints = string.Join(',', peer.Endpoints);
            if (peer.Response is { } r)
            {
                if (local.Hash == r.Hash) continue;
                if (local.CompactRevision == r.CompactRevision)
                {
                    LogDifferentHash(logger, LocalId, local.Revision, local.CompactRevision, local.Hash, $"{r.Header.MemberId:x}", endpoints,
                        r.Header.Revision, r.CompactRevision, r.Hash);
                    mismatches++;
                }
                else
                {
                    LogDifferentCompact(logger, LocalId, local.Revision, local.CompactRevision, local.Hash, $"{r.Header.MemberId:x}", endpoints,
                        r.Header.Revision, r.CompactRevision, r.Hash);
                }
            }
            else if (peer.Error is RpcException e && e.Detail == EtcdErrors.FutureRev.Message)
            {
                LogPeerBehind(logger, LocalId, local.Revision, local.CompactRevision, local.Hash, $"{peer.MemberId:x}", endpoints);
            }
            else if (peer.Error is RpcException c && c.Detail == EtcdErrors.Compacted.Message)
            {
                LogLocalBehind(logger, LocalId, local.Revision, local.CompactRevision, local.Hash, $"{peer.MemberId:x}", endpoints);
            }
        }
        if (mismatches > 0) throw new DataInconsistencyException($"{LocalId} found data inconsistency with peers");
        LogInitialPassed(logger, LocalId);
    }

    /// <summary>
    /// One pass of etcd's leader-side checkHashKV: hash here, ask the peers at that revision, make sure this member
    /// applied everything committed, hash again, then judge. Returns true when it raised CORRUPT. As in etcd 3.4 the
    /// alarm names member 0: which member holds the bad copy is not known.
    /// </summary>
    public async Task<bool> CheckAsync(CancellationToken ct)
    {
        KvHash first = hashByRevision(0);
        var answers = await peers.FetchAsync(first.Revision, ct).ConfigureAwait(false);
        await linearizableRead(ct).ConfigureAwait(false);
        KvHash second = hashByRevision(0);

        bool mismatch = false;
        if (second.Hash != first.Hash && second.Revision == first.Revision && second.CompactRevision == first.CompactRevision)
        {
            LogLocalMismatch(logger, first.Revision, first.CompactRevision, first.Hash, second.Revision, second.CompactRevision, second.Hash);
            mismatch = true;
        }
        int checkedCount = 0;
        foreach (var peer in answers)
        {
            if (peer.Response is not { } r) continue;
            checkedCount++;
            string peerId = $"{peer.MemberId:x}";
            if (r.Header.Revision > second.Revision)
            {
                LogFollowerAhead(logger, second.Revision, r.Header.Revision, peerId);
                mismatch = true;
            }
            if (r.CompactRevision > second.CompactRevision)
            {
                LogFollowerCompactAhead(logger, second.CompactRevision, r.CompactRevision, peerId);
                mismatch = true;
            }
            if (r.CompactRevision == first.CompactRevision && r.Hash != first.Hash)
            {
                LogFollowerHashMismatch(logger, second.CompactRevision, first.Hash, r.CompactRevision, r.Hash, peerId);
                mismatch = true;
            }
        }
        if (mismatch)
        {
            await raiseAlarm(new AlarmRequest
            {
                MemberID = 0,
                Action = AlarmRequest.Types.AlarmAction.Activate,
                Alarm = AlarmType.Corrupt,
            }, ct).ConfigureAwait(false);
        }
        LogFinished(logger, checkedCount);
        return mismatch;
    }

    /// <summary>etcd's monitorKVHash: every <paramref name="interval"/>, the leader runs <see cref="CheckAsync"/>.</summary>
    public async Task MonitorAsync(TimeSpan interval, TimeProvider time, Func<bool> isLeader, CancellationToken ct)
    {
        LogMonitorEnabled(logger, LocalId, interval);
        while (true)
        {
            try
            {
                await Task.Delay(interval, time, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (!isLeader()) continue;
            try
            {
                await CheckAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A peer that is down or a read that timed out only delays the check to the next round.
                LogCheckFailed(logger, e.Message);
            }
        }
    }

    [LoggerMessage(EventId = 8210, Level = LogLevel.Information, Message = "starting initial corruption check local-member-id={LocalMemberId} timeout={Timeout}")]
    private static partial void LogInitialStarting(ILogger logger, string localMemberId, TimeSpan timeout);

    [LoggerMessage(EventId = 8211, Level = LogLevel.Warning, Message = "found different hash values from remote peer local-member-id={LocalMemberId} local-member-revision={LocalRevision} local-member-compact-revision={LocalCompactRevision} local-member-hash={LocalHash} remote-peer-id={RemotePeerId} remote-peer-endpoints={RemotePeerEndpoints} remote-peer-revision={RemoteRevision} remote-peer-compact-revision={RemoteCompactRevision} remote-peer-hash={RemoteHash}")]
    private static partial void LogDifferentHash(ILogger logger, string localMemberId, long localRevision, long localCompactRevision, uint localHash,
        string remotePeerId, string remotePeerEndpoints, long remoteRevision, long remoteCompactRevision, uint remoteHash);

    [LoggerMessage(EventId = 8212, Level = LogLevel.Warning, Message = "found different compact revision values from remote peer local-member-id={LocalMemberId} local-member-revision={LocalRevision} local-member-compact-revision={LocalCompactRevision} local-member-hash={LocalHash} remote-peer-id={RemotePeerId} remote-peer-endpoints={RemotePeerEndpoints} remote-peer-revision={RemoteRevision} remote-peer-compact-revision={RemoteCompactRevision} remote-peer-hash={RemoteHash}")]
    private static partial void LogDifferentCompact(ILogger logger, string localMemberId, long localRevision, long localCompactRevision, uint localHash,
        string remotePeerId, string remotePeerEndpoints, long remoteRevision, long remoteCompactRevision, uint remoteHash);

    [LoggerMessage(EventId = 8213, Level = LogLevel.Warning, Message = "cannot fetch hash from slow remote peer local-member-id={LocalMemberId} local-member-revision={LocalRevision} local-member-compact-revision={LocalCompactRevision} local-member-hash={LocalHash} remote-peer-id={RemotePeerId} remote-peer-endpoints={RemotePeerEndpoints}")]
    private static partial void LogPeerBehind(ILogger logger, string localMemberId, long localRevision, long localCompactRevision, uint localHash, string remotePeerId, string remotePeerEndpoints);

    [LoggerMessage(EventId = 8214, Level = LogLevel.Warning, Message = "cannot fetch hash from remote peer; local member is behind local-member-id={LocalMemberId} local-member-revision={LocalRevision} local-member-compact-revision={LocalCompactRevision} local-member-hash={LocalHash} remote-peer-id={RemotePeerId} remote-peer-endpoints={RemotePeerEndpoints}")]
    private static partial void LogLocalBehind(ILogger logger, string localMemberId, long localRevision, long localCompactRevision, uint localHash, string remotePeerId, string remotePeerEndpoints);

    [LoggerMessage(EventId = 8215, Level = LogLevel.Information, Message = "initial corruption checking passed; no corruption local-member-id={LocalMemberId}")]
    private static partial void LogInitialPassed(ILogger logger, string localMemberId);

    [LoggerMessage(EventId = 8216, Level = LogLevel.Warning, Message = "found hash mismatch revision-1={Revision1} compact-revision-1={CompactRevision1} hash-1={Hash1} revision-2={Revision2} compact-revision-2={CompactRevision2} hash-2={Hash2}")]
    private static partial void LogLocalMismatch(ILogger logger, long revision1, long compactRevision1, uint hash1, long revision2, long compactRevision2, uint hash2);

    [LoggerMessage(EventId = 8217, Level = LogLevel.Warning, Message = "revision from follower must be less than or equal to leader's leader-revision={LeaderRevision} follower-revision={FollowerRevision} follower-peer-id={FollowerPeerId}")]
    private static partial void LogFollowerAhead(ILogger logger, long leaderRevision, long followerRevision, string followerPeerId);

    [LoggerMessage(EventId = 8218, Level = LogLevel.Warning, Message = "compact revision from follower must be less than or equal to leader's leader-compact-revision={LeaderCompactRevision} follower-compact-revision={FollowerCompactRevision} follower-peer-id={FollowerPeerId}")]
    private static partial void LogFollowerCompactAhead(ILogger logger, long leaderCompactRevision, long followerCompactRevision, string followerPeerId);

    [LoggerMessage(EventId = 8219, Level = LogLevel.Warning, Message = "same compact revision then hashes must match leader-compact-revision={LeaderCompactRevision} leader-hash={LeaderHash} follower-compact-revision={FollowerCompactRevision} follower-hash={FollowerHash} follower-peer-id={FollowerPeerId}")]
    private static partial void LogFollowerHashMismatch(ILogger logger, long leaderCompactRevision, uint leaderHash, long followerCompactRevision, uint followerHash, string followerPeerId);

    [LoggerMessage(EventId = 8220, Level = LogLevel.Information, Message = "finished peer corruption check number-of-peers-checked={NumberOfPeersChecked}")]
    private static partial void LogFinished(ILogger logger, int numberOfPeersChecked);

    [LoggerMessage(EventId = 8221, Level = LogLevel.Information, Message = "enabled corruption checking local-member-id={LocalMemberId} interval={Interval}")]
    private static partial void LogMonitorEnabled(ILogger logger, string localMemberId, TimeSpan interval);

    [LoggerMessage(EventId = 8222, Level = LogLevel.Warning, Message = "failed to check hash KV error={Error}")]
    private static partial void LogCheckFailed(ILogger logger, string error);
}
