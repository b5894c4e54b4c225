using System.Text;
using EtcdNet.Raft.Raftpb;
using Google.Protobuf;

namespace EtcdNet.Raft.Tests.Simulation;

/// <summary>
/// A randomized cluster run from one seed: messages are dropped, duplicated, delayed and reordered,
/// the network partitions, nodes crash (losing everything not persisted) and restart, members are added,
/// promoted and removed. After every step the Raft safety properties are checked; a violation throws
/// <see cref="SimulationFailure"/> naming the seed, so the run replays exactly.
/// </summary>
internal sealed partial class ClusterSimulator
{
    private readonly Random _rng;
    private readonly int _seed;
    private readonly Dictionary<ulong, SimNode> _nodes = [];
    private readonly List<(Message Msg, int DeliverAt)> _network = [];
    private readonly HashSet<(ulong, ulong)> _cuts = [];
    private readonly StringBuilder _trace = new();
    private readonly bool _preVote;
    private readonly bool _checkQuorum;
    private readonly ulong _maxSizePerMsg;
    private readonly int _maxInflight;
    private ulong _nextFreshId;
    private int _now;
    private int _proposals;

    public ClusterSimulator(int seed, int voters, int learners)
    {
        _seed = seed;
        _rng = new Random(seed);
        _preVote = _rng.Next(2) == 0;
        _checkQuorum = _rng.Next(2) == 0;
        _maxSizePerMsg = _rng.Next(3) switch { 0 => 1, 1 => 64, _ => 1024 * 1024 };
        _maxInflight = 1 + _rng.Next(8);
        var cs = new ConfState();
        for (ulong id = 1; id <= (ulong)voters; id++) cs.Voters.Add(id);
        for (ulong id = (ulong)voters + 1; id <= (ulong)(voters + learners); id++) cs.Learners.Add(id);
        _nextFreshId = (ulong)(voters + learners) + 1;
        foreach (var id in cs.Voters.Concat(cs.Learners))
        {
            var n = new SimNode { Id = id, ConfState = cs.Clone(), Applied = 1 };
            n.Storage.ApplySnapshot(new Snapshot { Metadata = new SnapshotMetadata { Index = 1, Term = 1, ConfState = cs.Clone() } });
            _nodes[id] = n;
            Start(n);
        }
        Trace($"seed={seed} voters={voters} learners={learners} prevote={_preVote} checkquorum={_checkQuorum} " +
              $"maxsize={_maxSizePerMsg} inflight={_maxInflight}");
    }

    public int Committed => _committed.Count;

    /// <summary>What a run exercised, so a change that stops covering a path shows in the totals.</summary>
    public Dictionary<string, int> Stats { get; } = [];

    private void Count(string what) => Stats[what] = Stats.GetValueOrDefault(what) + 1;

    private void Start(SimNode n)
    {
        var config = new RaftConfig
        {
            Id = n.Id,
            ElectionTick = 10,
            HeartbeatTick = 1,
            Storage = n.Storage,
            // Raft restarts from its snapshot and replays later committed entries: the application skips
            // those it applied already but hands conf changes to Raft again (as etcd's server does).
            Applied = n.Storage.Snapshot().Metadata.Index,
            MaxSizePerMsg = _maxSizePerMsg,
            MaxInflightMsgs = _maxInflight,
            PreVote = _preVote,
            CheckQuorum = _checkQuorum,
            Random = new Random(_rng.Next()),
        };
        n.Raft = new RaftNode(config);
    }

    private void Trace(string s)
    {
        // Keep the tail only: enough context for a failure report.
        if (_trace.Length > 20000) _trace.Remove(0, 10000);
        _trace.Append($"[{_now}] ").Append(s).Append('\n');
    }

    private SimulationFailure Fail(string what)
    {
        var nodes = string.Join("\n", _nodes.Values.OrderBy(n => n.Id).Select(n =>
            $"  node {n.Id}: alive={n.Alive} removed={n.Removed} applied={n.Applied} conf=({string.Join(" ", n.ConfState.Voters)})/({string.Join(" ", n.ConfState.Learners)})" +
            (n.Raft is null ? "" : $" {n.Raft.Raft.State} term={n.Raft.Raft.Term} lead={n.Raft.Raft.Lead} commit={n.Raft.Raft.RaftLog.Committed} last={n.Raft.Raft.RaftLog.LastIndex()} prs=[{n.Raft.Raft.Prs}] {(n.Raft.Raft.State == RaftState.Leader ? string.Join(",", n.Raft.Raft.Prs.Ids.Select(i => $"{i}:{n.Raft.Raft.Prs.Get(i)}")) : "")}")));
        return new($"seed {_seed}: {what} (step {_now}). Replay with RAFT_SEED={_seed}.\nnodes:\n{nodes}\nrecent events:\n{_trace}");
    }

    /// <summary>Runs the chaotic phase, then heals everything and requires the group to commit again.</summary>
    public void Run(int steps)
    {
        for (_now = 0; _now < steps; _now++)
        {
            RandomStep();
            CheckInvariants();
        }
        Converge();
    }

    private List<SimNode> Live => _nodes.Values.Where(n => n.Alive).OrderBy(n => n.Id).ToList();

    private SimNode? PickLive()
    {
        var live = Live.ToList();
        return live.Count == 0 ? null : live[_rng.Next(live.Count)];
    }

    private void RandomStep()
    {
        var roll = _rng.Next(1000);
        SimNode? n;
        switch (roll)
        {
            case < 300:
                n = PickLive();
                n?.Raft!.Tick();
                break;
            case < 600:
                DeliverOne(chaos: true);
                break;
            case < 800:
                n = PickLive();
                if (n is not null) ProcessReady(n);
                break;
            case < 880:
                n = PickLive();
                if (n is not null) Propose(n);
                break;
            case < 895:
                n = PickLive();
                if (n is not null) RequestRead(n);
                break;
            case < 910:
                n = PickLive();
                if (n is not null) Compact(n);
                break;
            case < 920:
                ChangeMembership();
                break;
            case < 922:
                n = PickLive();
                if (n is not null && Live.Count > 1)
                {
                    Trace($"crash {n.Id}");
                    Count("crashes");
                    n.Raft = null;
                }
                break;
            case < 945:
                var down = _nodes.Values.Where(x => !x.Alive && !x.Removed).OrderBy(x => x.Id).ToList();
                if (down.Count > 0)
                {
                    var d = down[_rng.Next(down.Count)];
                    Trace($"restart {d.Id} snapshot={d.Storage.Snapshot().Metadata.Index} conf={d.Storage.Snapshot().Metadata.ConfState} hs={d.Storage.HardState} applied={d.Applied}");
                    Start(d);
                }
                break;
            case < 947:
                Partition();
                break;
            case < 965:
                if (_cuts.Count > 0) Trace("heal");
                _cuts.Clear();
                break;
            case < 970:
                n = Live.FirstOrDefault(x => x.Raft!.Raft.State == RaftState.Leader);
                var target = PickLive();
                if (n is not null && target is not null && target != n)
                {
                    Trace($"transfer-leader {n.Id} -> {target.Id}");
                    n.Raft!.TransferLeader(target.Id);
                }
                break;
            default:
                n = PickLive();
                if (n is not null && n.Raft!.Raft.State != RaftState.Leader && _rng.Next(4) == 0) n.Raft.Campaign();
                break;
        }
    }

    private void Partition()
    {
        _cuts.Clear();
        var ids = _nodes.Keys.Order().ToList();
        var side = ids.ToDictionary(id => id, _ => _rng.Next(2));
        foreach (var a in ids)
        {
            foreach (var b in ids)
            {
                if (side[a] != side[b]) _cuts.Add((a, b));
            }
        }
        Trace("partition " + string.Join(" ", ids.Select(id => $"{id}:{side[id]}")));
    }

    private void Propose(SimNode n)
    {
        var data = $"s{_seed}-p{_proposals++}";
        try
        {
            n.Raft!.Propose(ByteString.CopyFromUtf8(data));
            Trace($"propose {n.Id} {data}");
        }
        catch (ProposalDroppedException)
        {
        }
    }

    private void Compact(SimNode n)
    {
        // After a restart Raft replays entries up to the application's applied index; compacting them away
        // before they were replayed would lose the conf changes among them.
        if (n.Raft is not null && n.Raft.Raft.RaftLog.Applied < n.Applied) return;
        var snapIndex = n.Storage.Snapshot().Metadata.Index;
        if (n.Applied <= snapIndex || n.Applied > n.Storage.LastIndex()) return;
        // The application snapshots at its applied index (with the membership as of that index).
        n.Storage.CreateSnapshot(n.Applied, n.ConfState, ByteString.Empty);
        var keep = (ulong)_rng.Next(4);
        var compactAt = n.Applied > keep ? n.Applied - keep : n.Applied;
        if (compactAt > snapIndex) n.Storage.Compact(compactAt);
        Trace($"compact {n.Id} snapshot={n.Applied} compact={compactAt}");
        Count("compactions");
    }

    /// <summary>Delivers one due message (chaos: maybe dropped or duplicated); returns false when none is due.</summary>
    private bool DeliverOne(bool chaos)
    {
        var due = new List<int>();
        for (var i = 0; i < _network.Count; i++)
        {
            if (_network[i].DeliverAt <= _now) due.Add(i);
        }
        if (due.Count == 0) return false;
        var idx = chaos ? due[_rng.Next(due.Count)] : due[0];
        var m = _network[idx].Msg;
        _network.RemoveAt(idx);
        if (chaos && _rng.Next(100) < 3)
        {
            Lost(m, unreachable: false);
            return true;
        }
        if (chaos && _rng.Next(100) < 3) _network.Add((m, _now + _rng.Next(10))); // duplicated later
        if (_cuts.Contains((m.From, m.To)) || !_nodes.TryGetValue(m.To, out var to) || !to.Alive)
        {
            Lost(m, unreachable: true);
            return true;
        }
        CheckVoteResponse(to, m);
        // The transport tells the leader how a snapshot went, as etcd's snapshot sender does.
        if (m.Type == MessageType.MsgSnap && _nodes.TryGetValue(m.From, out var sender) && sender.Alive)
            sender.Raft!.ReportSnapshot(m.To, failed: false);
        try
        {
            // A copy, as if it crossed the wire.
            to.Raft!.Step(m.Clone());
        }
        catch (ProposalDroppedException)
        {
        }
        return true;
    }

    /// <summary>The transport noticed a lost message: snapshots are reported failed, cut links unreachable.</summary>
    private void Lost(Message m, bool unreachable)
    {
        if (!_nodes.TryGetValue(m.From, out var sender) || !sender.Alive) return;
        if (m.Type == MessageType.MsgSnap) sender.Raft!.ReportSnapshot(m.To, failed: true);
        else if (unreachable && m.Type == MessageType.MsgApp) sender.Raft!.ReportUnreachable(m.To);
    }

    /// <summary>Heals, restarts everyone and runs a fair schedule until a fresh proposal is applied everywhere.</summary>
    private void Converge()
    {
        Trace("converge: heal and restart all");
        _cuts.Clear();
        foreach (var n in _nodes.Values.Where(x => !x.Alive && !x.Removed).OrderBy(x => x.Id)) Start(n);
        string? marker = null;
        for (var round = 0; round < 3000; round++, _now++)
        {
            foreach (var n in Live) n.Raft?.Tick();
            for (var k = 0; k < 50; k++)
            {
                var busy = false;
                foreach (var n in Live) busy |= ProcessReady(n);
                busy |= DeliverOne(chaos: false);
                while (DeliverOne(chaos: false)) { }
                if (!busy) break;
            }
            _now += 5; // let delayed messages come due
            // Members keep snapshotting as a server does every snapshot-count entries, so a new member
            // is eventually offered a snapshot that includes it.
            if (round % 20 == 19)
            {
                foreach (var n in Live) Compact(n);
            }
            CheckInvariants();
            var leader = Live.FirstOrDefault(x => x.Raft!.Raft.State == RaftState.Leader);
            if (marker is null && leader is not null)
            {
                try
                {
                    var data = $"s{_seed}-final";
                    leader.Raft!.Propose(ByteString.CopyFromUtf8(data));
                    marker = data;
                    Trace($"propose {leader.Id} {data}");
                }
                catch (ProposalDroppedException)
                {
                }
            }
            if (marker is not null && AllMembersApplied(marker)) return;
            if (marker is not null && round % 200 == 199) marker = null; // the proposal may have been lost: retry
        }
        throw Fail("the group did not commit a proposal after healing (liveness)");
    }

    private bool AllMembersApplied(string marker)
    {
        var idx = _committed.FirstOrDefault(kv => kv.Value.Data.ToStringUtf8() == marker).Key;
        if (idx == 0) return false;
        // Every live member of the latest membership has applied it.
        var members = LatestMembership();
        return members.All(id => _nodes.TryGetValue(id, out var n) && n.Alive && n.Applied >= idx);
    }

    private HashSet<ulong> LatestMembership()
    {
        var best = _nodes.Values.Where(n => !n.Removed).MaxBy(n => n.Applied)!;
        return [.. best.ConfState.Voters, .. best.ConfState.Learners];
    }
}

/// <summary>A safety or liveness violation found by the simulator; the message names the seed.</summary>
internal sealed class SimulationFailure(string message) : Exception(message);
