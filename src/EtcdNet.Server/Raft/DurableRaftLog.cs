using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Raft;
using EtcdNet.Raft.Raftpb;
using EtcdNet.Storage;
using Google.Protobuf;

namespace EtcdNet.Server.Raft;

/// <summary>
/// What raft keeps of a member across restarts: the WAL (member/wal) and snapshot files (member/snap) on disk, and
/// the in-memory log raft reads, rebuilt from them at start. <see cref="Save"/> makes a Ready durable.
/// </summary>
public sealed class DurableRaftLog : IDisposable
{
    private DurableRaftLog(Wal wal, Snapshotter snapshotter, MemoryRaftStorage memory, Metadata metadata, bool existed)
    {
        Wal = wal;
        Snapshotter = snapshotter;
        Memory = memory;
        Metadata = metadata;
        Existed = existed;
    }

    public Wal Wal { get; }
    public Snapshotter Snapshotter { get; }
    public MemoryRaftStorage Memory { get; }

    /// <summary>Whose log this is: member and cluster id, as written when the WAL was created.</summary>
    public Metadata Metadata { get; }

    /// <summary>True when the WAL was found on disk (a restart), false when it was just created.</summary>
    public bool Existed { get; }

    public static bool Exists(string memberDir) => Wal.Exists(Path.Combine(memberDir, "wal"));

    /// <summary>Opens the WAL from the newest snapshot it has a marker for, repairing a torn tail.</summary>
    public static DurableRaftLog Open(string memberDir, WalOptions? options = null)
    {
        var walDir = Path.Combine(memberDir, "wal");
        var snapshotter = new Snapshotter(Path.Combine(memberDir, "snap"));
        var snapshot = snapshotter.LoadNewestAvailable(Wal.ValidSnapshotEntries(walDir, options));
        var wal = Wal.Open(walDir, snapshot is null ? default : WalSnapshot.From(snapshot.Metadata), options);
        var read = wal.ReadAll();
        var memory = new MemoryRaftStorage();
        if (snapshot is not null) memory.ApplySnapshot(snapshot);
        memory.SetHardState(read.State);
        memory.Append(read.Entries);
        return new DurableRaftLog(wal, snapshotter, memory, Metadata.Parser.ParseFrom(read.Metadata), existed: true);
    }

    public static DurableRaftLog Create(string memberDir, Metadata metadata, WalOptions? options = null)
    {
        var wal = Wal.Create(Path.Combine(memberDir, "wal"), metadata.ToByteArray(), options);
        var snapshotter = new Snapshotter(Path.Combine(memberDir, "snap"));
        return new DurableRaftLog(wal, snapshotter, new MemoryRaftStorage(), metadata, existed: false);
    }

    /// <summary>
    /// Persists a Ready before anything it carries is acted on: a snapshot file and its WAL marker first, then the
    /// hard state and entries (fsynced when raft requires), then the in-memory log raft reads from.
    /// </summary>
    public void Save(Ready rd)
    {
        if (rd.Snapshot is { } snapshot && snapshot.Metadata is { Index: > 0 })
        {
            EtcdNet.Storage.Failpoints.Failpoint.Hit("raftBeforeSaveSnap");
            Snapshotter.Save(snapshot);
            Wal.SaveSnapshot(WalSnapshot.From(snapshot.Metadata));
            EtcdNet.Storage.Failpoints.Failpoint.Hit("raftAfterSaveSnap");
            Memory.ApplySnapshot(snapshot);
        }
        var state = rd.HardState ?? new HardState();
        Wal.Save(state, rd.Entries);
        if (rd.HardState is not null) Memory.SetHardState(rd.HardState);
        if (rd.Entries.Count > 0) Memory.Append(rd.Entries);
    }

    /// <summary>
    /// Records a snapshot of the applied state at <paramref name="index"/>, trims the in-memory log to keep
    /// <paramref name="catchUpEntries"/> for slow followers, and lets old WAL segments go.
    /// </summary>
    public void Snapshot(ulong index, ConfState confState, ByteString data, ulong catchUpEntries, int maxSnapshots, int maxWals)
    {
        var snapshot = Memory.CreateSnapshot(index, confState, data);
        Snapshotter.Save(snapshot);
        Wal.SaveSnapshot(WalSnapshot.From(snapshot.Metadata));
        if (index > catchUpEntries) Memory.Compact(index - catchUpEntries);
        Wal.ReleaseLockTo(index);
        Wal.Purge(maxWals);
        Snapshotter.Purge(maxSnapshots);
    }

    public void Dispose() => Wal.Dispose();
}
