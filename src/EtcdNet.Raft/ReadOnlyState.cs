using EtcdNet.Raft.Raftpb;
using Google.Protobuf;

namespace EtcdNet.Raft;

/// <summary>
/// The leader's queue of ReadIndex requests waiting for a quorum of heartbeat acknowledgements
/// (ReadOnlySafe). Requests are keyed by their context; an acknowledgement of a later request
/// also confirms every earlier one.
/// </summary>
internal sealed class ReadOnlyState
{
    internal sealed class ReadIndexStatus(Message request, ulong index)
    {
        public Message Request { get; } = request;
        public ulong Index { get; } = index;
        public Dictionary<ulong, bool> Acks { get; } = [];
    }

    private readonly Dictionary<ByteString, ReadIndexStatus> _pending = [];
    private readonly List<ByteString> _queue = [];

    public ReadOnlyState(ReadOnlyOption option) => Option = option;

    public ReadOnlyOption Option { get; }

    public int PendingCount => _queue.Count;

    /// <summary>Queues a request to be answered at index once a quorum confirms leadership.</summary>
    public void AddRequest(ulong index, Message m)
    {
        var ctx = m.Entries[0].Data;
        if (_pending.ContainsKey(ctx)) return;
        _pending[ctx] = new ReadIndexStatus(m, index);
        _queue.Add(ctx);
    }

    /// <summary>Records id's heartbeat acknowledgement for the request ctx; returns the acks so far, or null.</summary>
    public IReadOnlyDictionary<ulong, bool>? RecvAck(ulong id, ByteString ctx)
    {
        if (!_pending.TryGetValue(ctx, out var rs)) return null;
        rs.Acks[id] = true;
        return rs.Acks;
    }

    /// <summary>Dequeues every request up to and including the one whose context m carries.</summary>
    public List<ReadIndexStatus>? Advance(Message m)
    {
        var ctx = m.Context;
        var i = _queue.IndexOf(ctx);
        if (i < 0) return null;
        var result = new List<ReadIndexStatus>(i + 1);
        for (var k = 0; k <= i; k++)
        {
            result.Add(_pending[_queue[k]]);
            _pending.Remove(_queue[k]);
        }
        _queue.RemoveRange(0, i + 1);
        return result;
    }

    /// <summary>The context of the newest pending request (heartbeats carry it), or null.</summary>
    public ByteString? LastPendingRequestCtx() => _queue.Count == 0 ? null : _queue[^1];
}
