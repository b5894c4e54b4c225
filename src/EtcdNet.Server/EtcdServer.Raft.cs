using EtcdNet.Raft.Raftpb;
using EtcdNet.Server.Membership;
using EtcdNet.Server.PeerTransport;
using EtcdNet.Server.Raft;
using EtcdNet.Storage;
using Microsoft.Extensions.Logging;
using Member = EtcdNet.Server.Membership.Member;

namespace EtcdNet.Server;

/// <summary>
/// The server between raft and the network: what the raft loop asks of it (send, apply, leadership), and what the
/// peer transport hands it (messages from peers and how sends went).
/// </summary>
public sealed partial class EtcdServer : IRaftHost, IRaftMessageHandler
{
    private readonly CancellationTokenSource _stopping = new();
    private TaskCompletionSource _leaderSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Keepalives and time-to-live questions a follower hands to the leader.</summary>
    public LeaseForwarding LeaseForwarding => _leaseForwarding ??= new LeaseForwarding(this);

    private LeaseForwarding? _leaseForwarding;

    /// <summary>Raft messages to and from the other members.</summary>
    public RaftTransport Transport { get; private set; } = null!;

    /// <summary>Completes at the next change of leader (or term).</summary>
    public Task WaitForLeaderChangeAsync(CancellationToken ct) => Volatile.Read(ref _leaderSignal).Task.WaitAsync(ct);

    /// <summary>Completes once a leader is known (proposals made without one would only be dropped).</summary>
    public async Task WaitForLeaderAsync(CancellationToken ct)
    {
        while (LeaderId == 0)
        {
            var signal = Volatile.Read(ref _leaderSignal).Task;
            if (LeaderId != 0) return;
            await signal.WaitAsync(ct).ConfigureAwait(false);
        }
    }

    private void StartTransport()
    {
        var self = Cluster.Get(MemberId);
        Transport = new RaftTransport(new RaftTransportOptions
        {
            LocalId = MemberId,
            ClusterId = ClusterId,
            LocalPeerUrls = self?.PeerUrls ?? Options.InitialAdvertisePeerUrls,
            SnapshotDirectory = Path.Combine(Options.DataDir, "member", "snap"),
            CurrentMembers = () => Cluster.Members,
            HashKV = HashKVAsync,
            OpenSnapshotData = OpenSnapshotDb,
            RoundTripObserved = Metrics.ObservePeerRoundTrip,
        }, this, _logger);
        Cluster.Changed += SyncPeers;
    }

    /// <summary>The backend the stores share (the apply loop swaps its contents when it installs a snapshot).</summary>
    internal Backend Backend => _backend;

    /// <summary>
    /// The database sent with a MsgSnap: a copy of the committed backend, deleted once sent. No commit is needed
    /// here: raft snapshots only after the apply loop committed the backend at that index, so the committed copy's
    /// consistent index is at or past the snapshot's, and the follower skips the entries it already holds.
    /// </summary>
    private Stream OpenSnapshotDb(Message message)
    {
        var directory = Path.Combine(Options.DataDir, "member", "snap");
        var index = message.Snapshot?.Metadata?.Index ?? 0;
        var path = Path.Combine(directory, $"{index:x16}.snap.db.{Guid.NewGuid():N}.sending");
        try
        {
            _backend.SnapshotTo(path);
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024,
                FileOptions.DeleteOnClose | FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    private readonly Dictionary<ulong, IReadOnlyList<string>> _peers = [];

    /// <summary>Adds the transport's peers for new members, follows peer URL updates and drops removed members.</summary>
    private void SyncPeers(IReadOnlyList<Member> members)
    {
        lock (_peers)
        {
            var current = members.Where(m => m.Id != MemberId && m.PeerUrls.Count > 0).ToDictionary(m => m.Id, m => m.PeerUrls);
            // Only a removal drops a peer: while a joining member replays the log, members it has not applied yet
            // are still the ones it talks to.
            foreach (var id in _peers.Keys.Where(Cluster.IsRemoved).ToList())
            {
                Transport.RemovePeer(id);
                _peers.Remove(id);
            }
            foreach (var (id, urls) in current)
            {
                if (!_peers.TryGetValue(id, out var known)) Transport.AddPeer(id, urls);
                else if (!known.SequenceEqual(urls)) Transport.UpdatePeer(id, urls);
                _peers[id] = urls;
            }
        }
    }

    void IRaftHost.Send(IReadOnlyList<Message> messages) => Transport.Send(messages);

    void IRaftHost.Apply(ApplyBatch batch) => _apply.Enqueue(batch);

    /// <summary>Only the leader decides lease expiry: promote on gaining leadership, demote on losing it.</summary>
    void IRaftHost.OnLeaderChanged(ulong leader, ulong term, bool isLeader)
    {
        Interlocked.Exchange(ref _leaderSignal, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        if (isLeader) Lessor.Promote(Options.ElectionTimeout);
        else if (Lessor.IsPrimary) Lessor.Demote();
    }

    void IRaftMessageHandler.Process(Message message) => RaftLoop.Step(message);

    void IRaftMessageHandler.ReportUnreachable(ulong peerId) => RaftLoop.Post(node => node.ReportUnreachable(peerId));

    void IRaftMessageHandler.ReportSnapshot(ulong peerId, bool failed) => RaftLoop.Post(node => node.ReportSnapshot(peerId, failed));

    void IRaftMessageHandler.ReportRemoved(ulong peerId) => LogRemoved(_logger, $"{MemberId:x}", $"{peerId:x}");

    [LoggerMessage(EventId = 5005, Level = LogLevel.Error, Message = "the member has been permanently removed from the cluster local-member-id={LocalMemberId} removed-by={PeerId}")]
    private static partial void LogRemoved(ILogger logger, string localMemberId, string peerId);
}
