using System.Text;
using EtcdNet.Raft.Raftpb;

namespace EtcdNet.Raft.Tests.Interaction;

/// <summary>
/// A small cluster driven by script commands: nodes with in-memory storage, a message queue that is
/// delivered only when told to, and network cuts. Each command's handler lives in its own file.
/// </summary>
internal sealed partial class InteractionEnv
{
    /// <summary>One simulated member: its persisted storage, the Raft node and what it applied.</summary>
    internal sealed class Node
    {
        public required ulong Id { get; init; }
        public required MemoryRaftStorage Storage { get; init; }
        public RaftConfig Config { get; set; } = null!;
        public RaftNode Raft { get; set; } = null!;
        public ConfState ConfState { get; set; } = new();
        public ulong Applied { get; set; }
        public List<string> AppliedData { get; } = [];
    }

    /// <summary>Random whose Next(n) is always 0: the election timeout is exactly ElectionTick, as scripts expect.</summary>
    internal sealed class ZeroRandom : Random
    {
        public override int Next(int maxValue) => 0;
    }

    /// <summary>Collects Raft's log lines into the command output.</summary>
    internal sealed class Logger(InteractionEnv env, ulong id) : IRaftLogger
    {
        public bool IsEnabled(RaftLogLevel level) => level >= env.LogLevel;

        public void Log(RaftLogLevel level, string message)
        {
            var tag = level switch
            {
                RaftLogLevel.Debug => "DEBUG",
                RaftLogLevel.Info => "INFO",
                RaftLogLevel.Warning => "WARN",
                _ => "ERROR",
            };
            env.Output.Append(env.Indent).Append(tag).Append(' ').Append(message).Append('\n');
            _ = id;
        }
    }

    public List<Node> Nodes { get; } = [];
    public List<Message> Messages { get; } = [];
    public StringBuilder Output { get; } = new();
    public RaftLogLevel LogLevel { get; set; } = RaftLogLevel.Info;
    public string Indent { get; set; } = "";

    // Links that drop messages, as (from, to) pairs.
    public HashSet<(ulong From, ulong To)> Cuts { get; } = [];

    public Node Get(ulong id) => Nodes[(int)id - 1];

    /// <summary>Runs one command line and returns its output.</summary>
    public string Handle(string line)
    {
        Output.Clear();
        Indent = "";
        var args = new ScriptArgs(line);
        switch (args.Name)
        {
            case "add-nodes": HandleAddNodes(args); break;
            case "campaign": HandleCampaign(args); break;
            case "propose": HandlePropose(args); break;
            case "propose-conf-change": HandleProposeConfChange(args); break;
            case "process-ready": HandleProcessReady(args); break;
            case "deliver-msgs": HandleDeliverMsgs(args); break;
            case "stabilize": HandleStabilize(args); break;
            case "tick-election": HandleTick(args, election: true); break;
            case "tick-heartbeat": HandleTick(args, election: false); break;
            case "isolate": HandleIsolate(args); break;
            case "partition": HandlePartition(args); break;
            case "heal": HandleHeal(); break;
            case "transfer-leader": HandleTransferLeader(args); break;
            case "read-index": HandleReadIndex(args); break;
            case "compact": HandleCompact(args); break;
            case "restart": HandleRestart(args); break;
            case "status": HandleStatus(args); break;
            case "raft-state": HandleRaftState(); break;
            case "raft-log": HandleRaftLog(args); break;
            case "log-level": HandleLogLevel(args); break;
            case "report-unreachable": HandleReportUnreachable(args); break;
            default: throw new InvalidOperationException($"unknown command {args.Name}");
        }
        return Output.ToString();
    }

    internal void Line(string s) => Output.Append(Indent).Append(s).Append('\n');

    internal IEnumerable<ulong> IdsOrAll(ScriptArgs args) =>
        args.Positional.Count > 0 ? args.PositionalIds() : Nodes.Select(n => n.Id);

    internal bool IsCut(Message m) => Cuts.Contains((m.From, m.To));
}
