using System.Diagnostics;
using EtcdNet.Raft.Raftpb;
using Google.Protobuf;
using Xunit.Abstractions;

namespace EtcdNet.Raft.Tests.Benchmark;

/// <summary>
/// Throughput and allocation of replication in a 3-node in-memory cluster (no IO, no copies on the
/// "wire"): entries committed and applied everywhere per second, and bytes allocated per entry.
/// Run by ./build.sh bench (Category=Benchmark), not by the normal test run.
/// </summary>
public sealed class ReplicationBenchmark(ITestOutputHelper output)
{
    private sealed class Member
    {
        public required RaftNode Node { get; init; }
        public required MemoryRaftStorage Storage { get; init; }
        public ulong Applied;
    }

    private static Member[] Cluster()
    {
        var cs = new ConfState();
        cs.Voters.AddRange([1UL, 2UL, 3UL]);
        return [.. cs.Voters.Select(id =>
        {
            var storage = new MemoryRaftStorage();
            storage.ApplySnapshot(new Snapshot { Metadata = new SnapshotMetadata { Index = 1, Term = 1, ConfState = cs.Clone() } });
            var node = new RaftNode(new RaftConfig
            {
                Id = id, Storage = storage, Applied = 1, ElectionTick = 10, HeartbeatTick = 1,
                MaxInflightMsgs = 256, MaxSizePerMsg = 1024 * 1024, Random = new Random((int)id),
            });
            return new Member { Node = node, Storage = storage, Applied = 1 };
        })];
    }

    // One pass of every member's Ready loop; returns whether anything happened.
    private static bool Pump(Member[] members, List<Message> wire)
    {
        var busy = false;
        foreach (var m in members)
        {
            if (!m.Node.HasReady()) continue;
            busy = true;
            var rd = m.Node.GetReady();
            m.Storage.Append(rd.Entries);
            if (rd.HardState is not null) m.Storage.SetHardState(rd.HardState);
            for (var i = 0; i < rd.Messages.Count; i++) wire.Add(rd.Messages[i]);
            if (rd.CommittedEntries.Count > 0) m.Applied = rd.CommittedEntries[^1].Index;
            m.Node.Advance(rd);
        }
        if (wire.Count > 0)
        {
            busy = true;
            var batch = wire.ToArray();
            wire.Clear();
            foreach (var msg in batch) members[msg.To - 1].Node.Step(msg);
        }
        return busy;
    }

    private static (double EntriesPerSecond, double BytesPerEntry) Run(int entries, int batch, int valueSize)
    {
        var members = Cluster();
        var wire = new List<Message>();
        members[0].Node.Campaign();
        while (Pump(members, wire)) { }
        var value = ByteString.CopyFrom(new byte[valueSize]);
        var leader = members[0].Node;
        var start = members[0].Applied;

        var sw = Stopwatch.StartNew();
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        for (var done = 0; done < entries; done += batch)
        {
            for (var i = 0; i < batch; i++) leader.Propose(value);
            while (Pump(members, wire)) { }
            // Keep memory flat as a server would: compact what everyone applied.
            if (done % (batch * 64) == 0)
            {
                foreach (var m in members)
                {
                    if (m.Applied > m.Storage.FirstIndex() + 1000) m.Storage.Compact(m.Applied - 500);
                }
            }
        }
        var bytes = GC.GetAllocatedBytesForCurrentThread() - allocated;
        sw.Stop();
        var committed = members.Min(m => m.Applied) - start;
        Assert.True(committed >= (ulong)entries, $"only {committed} of {entries} entries were applied everywhere");
        return (committed / sw.Elapsed.TotalSeconds, (double)bytes / committed);
    }

    [Fact]
    [Trait("Category", "Benchmark")]
    public void Benchmark_ThreeNodeReplication_ReportsThroughputAndAllocation()
    {
        Run(20_000, 64, 128); // warm up the JIT
        foreach (var (batch, size) in new[] { (1, 128), (64, 128), (256, 1024) })
        {
            var (rate, perEntry) = Run(200_000, batch, size);
            output.WriteLine($"raft 3-node in-memory: batch={batch} value={size}B: {rate:N0} entries/s committed+applied, " +
                             $"{perEntry:N0} bytes allocated per entry");
        }
    }
}
