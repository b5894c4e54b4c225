using System.Collections.Concurrent;
using EtcdNet.Grpc;
using EtcdNet.Raft.Raftpb;
using Microsoft.Extensions.Logging;

namespace EtcdNet.Server.PeerTransport;

/// <summary>
/// Moves raft messages between this member and its peers (etcd's rafthttp): one ordered, bounded, never-blocking
/// outbound stream per peer, snapshot uploads with the backend database, and the receiving side for the peer listener.
/// </summary>
/// <remarks>
/// <see cref="Send"/> is meant for the raft loop: it only queues. Peers are added, updated and removed as membership
/// changes are applied; a removed member's id stays refused for good. See PeerTransport/README.md for the wire format.
/// </remarks>
public sealed class RaftTransport : IAsyncDisposable
{
    private readonly ConcurrentDictionary<ulong, Peer> _peers = new();
    private readonly ConcurrentDictionary<ulong, PeerCounters> _counters = new();
    private readonly ConcurrentDictionary<ulong, byte> _removed = new();
    private readonly ConcurrentDictionary<Task, byte> _stopping = new();
    private readonly CancellationTokenSource _disposed = new();
    private int _reportedRemoved;

    /// <summary>Creates the transport; it sends nothing until peers are added and serves nothing until registered.</summary>
    public RaftTransport(RaftTransportOptions options, IRaftMessageHandler handler, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        Options = options;
        Handler = handler;
        Logger = logger;
        LocalIdText = PeerWire.FormatId(options.LocalId);
    }

    internal RaftTransportOptions Options { get; }

    internal IRaftMessageHandler Handler { get; }

    internal ILogger Logger { get; }

    internal string LocalIdText { get; }

    /// <summary>Starts sending to member <paramref name="id"/> at <paramref name="peerUrls"/>; a known or removed id is ignored.</summary>
    public void AddPeer(ulong id, IReadOnlyList<string> peerUrls)
    {
        CheckPeer(id, peerUrls);
        if (_removed.ContainsKey(id) || _peers.ContainsKey(id))
        {
            return;
        }

        var peer = new Peer(id, peerUrls, this, CountersFor(id));
        if (!_peers.TryAdd(id, peer))
        {
            Stop(peer); // lost a race with another AddPeer of the same id
            return;
        }

        PeerLog.PeerAdded(Logger, LocalIdText, PeerWire.FormatId(id), string.Join(',', peerUrls));
    }

    /// <summary>Gives member <paramref name="id"/> new peer URLs (etcd's member update); unknown ids are ignored.</summary>
    public void UpdatePeer(ulong id, IReadOnlyList<string> peerUrls)
    {
        CheckPeer(id, peerUrls);
        if (_peers.TryGetValue(id, out var peer))
        {
            peer.UpdateUrls(peerUrls);
            PeerLog.PeerUpdated(Logger, LocalIdText, PeerWire.FormatId(id), string.Join(',', peerUrls));
        }
    }

    /// <summary>
    /// Stops all traffic to member <paramref name="id"/> and refuses it from now on (also for ids never added, so a
    /// restarted server can name the members removed before).
    /// </summary>
    public void RemovePeer(ulong id)
    {
        _removed.TryAdd(id, 0);
        if (_peers.TryRemove(id, out var peer))
        {
            Stop(peer);
            PeerLog.PeerRemoved(Logger, LocalIdText, PeerWire.FormatId(id));
        }
    }

    /// <summary>Whether <paramref name="id"/> was removed from the cluster.</summary>
    public bool IsRemoved(ulong id) => _removed.ContainsKey(id);

    /// <summary>Whether the message stream to <paramref name="id"/> is up.</summary>
    public bool IsActive(ulong id) => _peers.TryGetValue(id, out var peer) && peer.IsActive;

    /// <summary>
    /// Queues <paramref name="messages"/> to their peers without blocking. A message that cannot be queued (queue full,
    /// peer unreachable) is dropped and reported through <see cref="IRaftMessageHandler.ReportUnreachable"/>; a MsgSnap
    /// starts an upload whose outcome goes to <see cref="IRaftMessageHandler.ReportSnapshot"/>. Messages to unknown or
    /// removed members are ignored, as etcd does.
    /// </summary>
    public void Send(IReadOnlyList<Message> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            if (!_peers.TryGetValue(message.To, out var peer))
            {
                continue;
            }

            if (message.Type == MessageType.MsgSnap)
            {
                peer.SendSnapshot(message);
                continue;
            }

            if (!peer.TrySend(message))
            {
                peer.Counters.AddSentFailures(1);
                PeerLog.Dropped(Logger, message.Type.ToString(), LocalIdText, PeerWire.FormatId(message.To));
                ReportUnreachable(message.To);
            }
        }
    }

    /// <summary>Mounts the receiving side (message stream, snapshot upload, probe, member list) on the peer listener.</summary>
    /// <remarks>
    /// Give the listener's <c>GrpcServerOptions.MaxReceiveMessageSize</c> room for the largest raft message: a batch
    /// frame holds up to 1 MiB of messages, and one MsgApp can exceed it when a single entry does.
    /// </remarks>
    public void Register(GrpcServiceRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        new RaftReceiver(this).Register(registry);
    }

    /// <summary>Traffic counters for every member this transport has sent to or heard from, removed ones included.</summary>
    public IReadOnlyList<PeerStats> Stats() =>
        _counters.Select(kv => kv.Value.ToStats(kv.Key, IsActive(kv.Key))).OrderBy(s => s.Id).ToArray();

    /// <summary>Stops every sender; in-flight snapshot uploads are abandoned without a report.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        await _disposed.CancelAsync().ConfigureAwait(false);
        foreach (var id in _peers.Keys)
        {
            if (_peers.TryRemove(id, out var peer))
            {
                Stop(peer);
            }
        }

        await Task.WhenAll(_stopping.Keys).ConfigureAwait(false);
    }

    internal PeerCounters CountersFor(ulong id) => _counters.GetOrAdd(id, static _ => new PeerCounters());

    internal GrpcChannel CreateChannel(Uri url) => new(url, new GrpcChannelOptions
    {
        ConnectTimeout = Options.DialTimeout,
        EnableMultipleHttp2Connections = false,
    });

    internal void ReportUnreachable(ulong id)
    {
        if (!_disposed.IsCancellationRequested)
        {
            Handler.ReportUnreachable(id);
        }
    }

    internal void ReportSnapshot(ulong id, bool failed)
    {
        if (!_disposed.IsCancellationRequested)
        {
            Handler.ReportSnapshot(id, failed);
        }
    }

    internal void OnRemovedByPeer(ulong id)
    {
        // Every peer will say the same; the server needs to hear it once.
        if (!_disposed.IsCancellationRequested && Interlocked.Exchange(ref _reportedRemoved, 1) == 0)
        {
            PeerLog.RemovedByPeer(Logger, LocalIdText, PeerWire.FormatId(id));
            Handler.ReportRemoved(id);
        }
    }

    private void Stop(Peer peer)
    {
        var stopping = peer.DisposeAsync().AsTask();
        _stopping.TryAdd(stopping, 0);
        _ = stopping.ContinueWith(t => _stopping.TryRemove(t, out _), CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void CheckPeer(ulong id, IReadOnlyList<string> peerUrls)
    {
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        ArgumentNullException.ThrowIfNull(peerUrls);
        if (id == 0 || id == Options.LocalId)
        {
            throw new ArgumentException($"invalid peer id {PeerWire.FormatId(id)}", nameof(id));
        }

        if (peerUrls.Count == 0)
        {
            throw new ArgumentException("a peer needs at least one URL", nameof(peerUrls));
        }

        foreach (var url in peerUrls)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
            {
                throw new ArgumentException($"unsupported peer URL {url} (only http:// for now)", nameof(peerUrls));
            }
        }
    }
}
