using System.Collections.Concurrent;
using EtcdNet.Raft.Raftpb;
using EtcdNet.Server.PeerTransport;

namespace EtcdNet.Server.Tests.PeerTransport;

/// <summary>An <see cref="IRaftMessageHandler"/> that remembers everything the transport told it.</summary>
internal sealed class RecordingHandler : IRaftMessageHandler
{
    private readonly ConcurrentDictionary<ulong, int> _unreachable = new();

    public ConcurrentQueue<Message> Received { get; } = new();

    public ConcurrentQueue<(ulong Peer, bool Failed)> SnapshotReports { get; } = new();

    public ConcurrentQueue<ulong> RemovedReports { get; } = new();

    /// <summary>Runs inside Process before the message is recorded (e.g. to look at a saved snapshot file).</summary>
    public Action<Message>? OnProcess { get; set; }

    public int UnreachableCount(ulong peer) => _unreachable.GetValueOrDefault(peer);

    public IReadOnlyList<Message> From(ulong peer) => Received.Where(m => m.From == peer).ToArray();

    public void Process(Message message)
    {
        OnProcess?.Invoke(message);
        Received.Enqueue(message);
    }

    public void ReportUnreachable(ulong peerId) => _unreachable.AddOrUpdate(peerId, 1, static (_, n) => n + 1);

    public void ReportSnapshot(ulong peerId, bool failed) => SnapshotReports.Enqueue((peerId, failed));

    public void ReportRemoved(ulong peerId) => RemovedReports.Enqueue(peerId);
}
