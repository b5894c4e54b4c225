using EtcdNet.Raft.Raftpb;

namespace EtcdNet.Raft.Tests.Interaction;

internal sealed partial class InteractionEnv
{
    /// <summary>
    /// add-nodes N [voters=(..)] [learners=(..)] [index=I] [prevote=true] [checkquorum=true] [max-size=B]
    /// [max-inflight=N] [read-only=lease] [disable-forwarding=true]: creates N nodes. With voters, their
    /// storage starts from a snapshot at index I (default 1, term 1) holding that membership; without,
    /// storage is empty (a node to be added later, which will receive a snapshot).
    /// </summary>
    private void HandleAddNodes(ScriptArgs args)
    {
        var count = int.Parse(args.Positional[0]);
        var voters = args.Ids("voters");
        var learners = args.Ids("learners");
        var index = args.Number("index", 1);
        for (var i = 0; i < count; i++)
        {
            var id = (ulong)Nodes.Count + 1;
            var storage = new MemoryRaftStorage();
            var cs = new ConfState();
            cs.Voters.AddRange(voters);
            cs.Learners.AddRange(learners);
            ulong applied = 0;
            if (voters.Count > 0)
            {
                storage.ApplySnapshot(new Snapshot { Metadata = new SnapshotMetadata { Index = index, Term = 1, ConfState = cs } });
                applied = index;
            }
            var node = new Node { Id = id, Storage = storage, ConfState = cs, Applied = applied };
            var config = new RaftConfig
            {
                Id = id,
                ElectionTick = 10,
                HeartbeatTick = 1,
                Storage = new AppliedSnapshotStorage(node),
                Applied = applied,
                MaxSizePerMsg = args.Number("max-size", ulong.MaxValue),
                MaxInflightMsgs = (int)args.Number("max-inflight", 256),
                CheckQuorum = args.Flag("checkquorum"),
                PreVote = args.Flag("prevote"),
                ReadOnlyOption = args.Named.GetValueOrDefault("read-only") == "lease" ? ReadOnlyOption.LeaseBased : ReadOnlyOption.Safe,
                DisableProposalForwarding = args.Flag("disable-forwarding"),
                Random = new ZeroRandom(),
                Logger = new Logger(this, id),
            };
            node.Config = config;
            Nodes.Add(node);
            node.Raft = new RaftNode(config);
        }
    }
}
