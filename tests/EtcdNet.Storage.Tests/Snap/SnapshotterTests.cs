using EtcdNet.Raft.Raftpb;
using Google.Protobuf;

namespace EtcdNet.Storage.Tests;

public sealed class SnapshotterTests : IDisposable
{
    private readonly TempDir _tmp = new();

    public void Dispose() => _tmp.Dispose();

    private string Dir => _tmp.File("member/snap");

    private static Snapshot Snap(ulong term, ulong index, string data = "state") => new()
    {
        Data = ByteString.CopyFromUtf8(data),
        Metadata = new SnapshotMetadata { Term = term, Index = index, ConfState = new ConfState { Voters = { 1, 2, 3 } } },
    };

    [Fact]
    public void Save_ThenLoad_RoundTrips_UnderEtcdsFileName()
    {
        var snapshotter = new Snapshotter(Dir);

        string? path = snapshotter.Save(Snap(3, 0x1234));

        Assert.Equal(Path.Combine(snapshotter.Directory, "0000000000000003-0000000000001234.snap"), path);
        Assert.Equal(Snap(3, 0x1234), snapshotter.Load());
        Assert.Empty(Directory.GetFiles(Dir, "*.tmp"));
    }

    [Fact]
    public void Save_File_IsASnappbEnvelopeWithCrcOfTheSnapshot()
    {
        var snapshotter = new Snapshotter(Dir);
        string path = snapshotter.Save(Snap(1, 10))!;

        var envelope = Snappb.snapshot.Parser.ParseFrom(File.ReadAllBytes(path));

        Assert.Equal(Crc32C.Compute(envelope.Data.Span), envelope.Crc);
        Assert.Equal(Snap(1, 10), Snapshot.Parser.ParseFrom(envelope.Data));
    }

    [Fact]
    public void Save_EmptySnapshot_WritesNothing()
    {
        var snapshotter = new Snapshotter(Dir);

        Assert.Null(snapshotter.Save(new Snapshot { Metadata = new SnapshotMetadata() }));
        Assert.Empty(Directory.GetFiles(Dir));
        Assert.Null(snapshotter.Load());
    }

    [Fact]
    public void Load_PicksTheNewest()
    {
        var snapshotter = new Snapshotter(Dir);
        snapshotter.Save(Snap(1, 10, "a"));
        snapshotter.Save(Snap(2, 20, "b"));
        snapshotter.Save(Snap(2, 15, "c"));

        Assert.Equal("b", snapshotter.Load()!.Data.ToStringUtf8());
    }

    [Fact]
    public void Load_NewestCorrupt_FallsBackToTheOlderAndRenamesItBroken()
    {
        var snapshotter = new Snapshotter(Dir);
        snapshotter.Save(Snap(1, 10, "older"));
        string newest = snapshotter.Save(Snap(1, 20, "newer"))!;
        byte[] bytes = File.ReadAllBytes(newest);
        bytes[^2] ^= 0xFF;
        File.WriteAllBytes(newest, bytes);

        Snapshot? loaded = snapshotter.Load();

        Assert.Equal("older", loaded!.Data.ToStringUtf8());
        Assert.False(File.Exists(newest));
        Assert.True(File.Exists(newest + ".broken"));
    }

    [Fact]
    public void Read_FlippedByte_ThrowsCrcMismatch()
    {
        string path = new Snapshotter(Dir).Save(Snap(1, 10, "some state bytes"))!;
        byte[] bytes = File.ReadAllBytes(path);
        bytes[^3] ^= 0x01;
        File.WriteAllBytes(path, bytes);

        var e = Assert.Throws<SnapshotException>(() => Snapshotter.Read(path));
        Assert.StartsWith("snap: crc mismatch", e.Message);
    }

    [Fact]
    public void Read_EmptyFile_ThrowsEmptySnapshot()
    {
        Directory.CreateDirectory(Dir);
        string path = Path.Combine(Dir, Snapshotter.FileName(1, 1));
        File.WriteAllBytes(path, []);

        var e = Assert.Throws<SnapshotException>(() => Snapshotter.Read(path));
        Assert.StartsWith("snap: empty snapshot", e.Message);
    }

    [Fact]
    public void Load_NoFiles_ReturnsNull_AndIgnoresStrangers()
    {
        var snapshotter = new Snapshotter(Dir);
        File.WriteAllText(Path.Combine(Dir, "db"), "backend");
        File.WriteAllText(Path.Combine(Dir, "notes.snap"), "not a snapshot name");

        Assert.Null(snapshotter.Load());
    }

    [Fact]
    public void Purge_KeepsTheNewestMax()
    {
        var snapshotter = new Snapshotter(Dir);
        for (ulong i = 1; i <= 8; i++)
        {
            snapshotter.Save(Snap(1, i * 10));
        }

        IReadOnlyList<string> deleted = snapshotter.Purge(5);

        Assert.Equal(3, deleted.Count);
        Assert.Equal(
            new ulong[] { 80, 70, 60, 50, 40 }.Select(i => Snapshotter.FileName(1, i)),
            snapshotter.Names());
    }

    [Fact]
    public void LoadNewestAvailable_SkipsSnapshotsTheWalHasNoMarkerFor()
    {
        var snapshotter = new Snapshotter(Dir);
        snapshotter.Save(Snap(1, 10, "marked"));
        snapshotter.Save(Snap(1, 20, "unmarked"));

        Snapshot? loaded = snapshotter.LoadNewestAvailable([new WalSnapshot(0, 0), new WalSnapshot(10, 1)]);

        Assert.Equal("marked", loaded!.Data.ToStringUtf8());
        Assert.Null(snapshotter.LoadNewestAvailable([new WalSnapshot(10, 2)]));
    }

    [Fact]
    public void SnapshotAndWal_RestartFlow_LoadsTheSnapshotAndReadsTheWalAfterIt()
    {
        string walDir = _tmp.File("member/wal");
        var snapshotter = new Snapshotter(Dir);
        using (Wal wal = Wal.Create(walDir, WalTestData.Metadata, WalTestData.Options()))
        {
            wal.Save(WalTestData.State(1, 1, 30), WalTestData.Entries(1, 30));

            // The server's order: snapshot file, then WAL marker, then release of old segments.
            Snapshot snap = Snap(1, 25);
            snapshotter.Save(snap);
            wal.SaveSnapshot(WalSnapshot.From(snap.Metadata));
            wal.ReleaseLockTo(25);
            wal.Save(WalTestData.State(1, 1, 32), WalTestData.Entries(31, 32));
        }

        Snapshot? loaded = snapshotter.LoadNewestAvailable(Wal.ValidSnapshotEntries(walDir));
        Assert.NotNull(loaded);
        WalReadResult read = WalTestData.ReadBack(walDir, WalSnapshot.From(loaded.Metadata));

        Assert.Equal(Enumerable.Range(26, 7).Select(i => (ulong)i), WalTestData.Indexes(read));
        Assert.Equal(WalTestData.State(1, 1, 32), read.State);
    }
}
