using EtcdNet.Raft.Raftpb;
using Google.Protobuf;

namespace EtcdNet.Raft.Tests;

/// <summary>
/// An in-memory network of RaftNodes for table tests: handles every Ready as the contract says
/// (persist, send, apply, advance), checks that contract on each one, and can cut, isolate or drop
/// message types. Delivery is synchronous and in order, so tests are deterministic.
/// </summary>
internal sealed class RaftNetwork
{
    internal sealed class Peer
    {
        public required RaftNode Node { get; set; }
        public required MemoryRaftStorage Storage { get; init; }
        public List<Entry> Applied { get; } = [];
        public List<ReadState> ReadStates { get; } = [];
        public ulong AppliedIndex { get; set; }
    }

    private readonly HashSet<(ulong From, ulong To)> _cuts = [];
    private readonly HashSet<MessageType> _ignored = [];
    private readonly List<Message> _queue = [];

    public SortedDictionary<ulong, Peer> Peers { get; } = [];

    /// <summary>A group of voters 1..voters (plus learners after them), all at index 1, term 1.</summary>
    public RaftNetwork(int voters, int learners = 0, bool preVote = false, bool checkQuorum = false,
        ReadOnlyOption readOnly = ReadOnlyOption.Safe, int electionTick = 10)
    {
        var cs = new ConfState();
        for (var i = 1; i <= voters; i++) cs.Voters.Add((ulong)i);
        for (var i = voters + 1; i <= voters + learners; i++) cs.Learners.Add((ulong)i);
        foreach (var id in cs.Voters.Concat(cs.Learners))
        {
            var storage = new MemoryRaftStorage();
            storage.ApplySnapshot(new Snapshot { Metadata = new SnapshotMetadata { Index = 1, Term = 1, ConfState = cs.Clone() } });
            var node = new RaftNode(new RaftConfig
            {
                Id = id, Storage = storage, ElectionTick = electionTick, HeartbeatTick = 1, Applied = 1, PreVote = preVote,
                CheckQuorum = checkQuorum, ReadOnlyOption = readOnly, Random = new Random((int)id),
            });
            Peers[id] = new Peer { Node = node, Storage = storage, AppliedIndex = 1 };
        }
    }

    public RaftNode this[ulong id] => Peers[id].Node;

    public Raft Raft(ulong id) => Peers[id].Node.Raft;

    public void Isolate(ulong id)
    {
        foreach (var other in Peers.Keys.Where(o => o != id))
        {
            _cuts.Add((id, other));
            _cuts.Add((other, id));
        }
    }

    public void Cut(ulong a, ulong b)
    {
        _cuts.Add((a, b));
        _cuts.Add((b, a));
    }

    public void Ignore(MessageType t) => _ignored.Add(t);

    public void Recover()
    {
        _cuts.Clear();
        _ignored.Clear();
    }

    public void Campaign(ulong id)
    {
        Peers[id].Node.Campaign();
        Stabilize();
    }

    public bool Propose(ulong id, string data)
    {
        try
        {
            Peers[id].Node.Propose(ByteString.CopyFromUtf8(data));
        }
        catch (ProposalDroppedException)
        {
            Stabilize();
            return false;
        }
        Stabilize();
        return true;
    }

    /// <summary>Delivers m (a peer message) and everything that follows until the network is quiet.</summary>
    public void Send(Message m)
    {
        _queue.Add(m);
        Stabilize();
    }

    public void Tick(ulong id, int times = 1)
    {
        for (var i = 0; i < times; i++) Peers[id].Node.Tick();
        Stabilize();
    }

    public void Stabilize()
    {
        for (var round = 0; round < 10000; round++)
        {
            var busy = false;
            foreach (var (id, p) in Peers)
            {
                if (!p.Node.HasReady()) continue;
                busy = true;
                HandleReady(id, p);
            }
            if (_queue.Count > 0)
            {
                busy = true;
                var batch = _queue.ToList();
                _queue.Clear();
                foreach (var m in batch)
                {
                    if (_cuts.Contains((m.From, m.To)) || _ignored.Contains(m.Type) || !Peers.TryGetValue(m.To, out var to)) continue;
                    try
                    {
                        to.Node.Step(m.Clone());
                    }
                    catch (ProposalDroppedException)
                    {
                    }
                }
            }
            if (!busy) return;
        }
        throw new InvalidOperationException("network did not stabilize");
    }

    /// <summary>Handles one Ready in contract order and checks what Raft promised in it.</summary>
    private void HandleReady(ulong id, Peer p)
    {
        var rd = p.Node.GetReady();
        var before = p.Storage.HardState.Clone();

        if (rd.Snapshot is not null)
        {
            p.Storage.ApplySnapshot(rd.Snapshot);
            p.AppliedIndex = rd.Snapshot.Metadata.Index;
        }
        p.Storage.Append(rd.Entries);
        if (rd.HardState is not null) p.Storage.SetHardState(rd.HardState);
        var hs = p.Storage.HardState;

        var mustSync = rd.Entries.Count > 0 || hs.Term != before.Term || hs.Vote != before.Vote;
        if (rd.MustSync != mustSync) throw new ContractViolation($"{id}: MustSync={rd.MustSync}, expected {mustSync}");

        foreach (var m in rd.Messages)
        {
            // Whatever a message promises must be durable once the Ready is persisted.
            if (m.Type == MessageType.MsgVoteResp && !m.Reject && (hs.Vote != m.To || hs.Term != m.Term))
                throw new ContractViolation($"{id} grants a vote to {m.To} in term {m.Term} but persisted vote {hs.Vote} term {hs.Term}");
            if (m.Type == MessageType.MsgAppResp && !m.Reject && m.Index > p.Storage.LastIndex())
                throw new ContractViolation($"{id} acknowledges index {m.Index} but persisted only up to {p.Storage.LastIndex()}");
            if (m.Term != 0 && m.Term > hs.Term && m.Type is not (MessageType.MsgPreVote or MessageType.MsgPreVoteResp))
                throw new ContractViolation($"{id} sends {m.Type} at term {m.Term} ahead of its persisted term {hs.Term}");
            _queue.Add(m);
        }

        foreach (var e in rd.CommittedEntries)
        {
            if (e.Index > p.Storage.LastIndex())
                throw new ContractViolation($"{id} is told to apply {e.Index} beyond its persisted log {p.Storage.LastIndex()}");
            if (e.Index > hs.Commit)
                throw new ContractViolation($"{id} is told to apply {e.Index} beyond the persisted commit {hs.Commit}");
            if (e.Index != p.AppliedIndex + 1)
                throw new ContractViolation($"{id} is told to apply {e.Index} after {p.AppliedIndex}");
            p.AppliedIndex = e.Index;
            if (e.Type == EntryType.EntryConfChange) p.Node.ApplyConfChange(Raftpb.ConfChange.Parser.ParseFrom(e.Data));
            else if (!e.Data.IsEmpty) p.Applied.Add(e);
        }
        p.ReadStates.AddRange(rd.ReadStates);
        p.Node.Advance(rd);
    }
}

/// <summary>Raft broke a promise of the Ready contract.</summary>
internal sealed class ContractViolation(string message) : Exception(message);
