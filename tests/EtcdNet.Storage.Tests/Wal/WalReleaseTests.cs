using static EtcdNet.Storage.Tests.WalTestData;

namespace EtcdNet.Storage.Tests;

public sealed class WalReleaseTests : IDisposable
{
    private readonly TempDir _tmp = new();

    private string Dir => _tmp.File("wal");

    public void Dispose() => _tmp.Dispose();

    /// <summary>Fills small segments with entries 1..<paramref name="last"/> in batches of ten.</summary>
    private Wal Fill(ulong last)
    {
        Wal wal = Wal.Create(Dir, Metadata, Options(segmentSize: 1024));
        for (ulong i = 1; i <= last; i += 10)
        {
            wal.Save(State(1, 1, i + 9), Entries(i, i + 9));
        }

        return wal;
    }

    [Fact]
    public void Purge_WhileSegmentsAreLocked_DeletesNothing()
    {
        using Wal wal = Fill(300);
        int before = SegmentNames(Dir).Length;
        Assert.True(before > 6, $"expected more than 6 segments, got {before}");

        Assert.Empty(wal.Purge(5));
        Assert.Equal(before, SegmentNames(Dir).Length);
    }

    [Fact]
    public void ReleaseLockTo_ThenPurge_KeepsAtMostMaxSegments_AndTheWalStillOpensFromTheSnapshot()
    {
        using (Wal wal = Fill(300))
        {
            wal.SaveSnapshot(new WalSnapshot(280, 1));
            wal.ReleaseLockTo(280);

            IReadOnlyList<string> deleted = wal.Purge(5);

            Assert.NotEmpty(deleted);
            Assert.Equal(5, SegmentNames(Dir).Length);
            Assert.All(deleted, p => Assert.False(File.Exists(p)));
        }

        WalReadResult read = ReadBack(Dir, new WalSnapshot(280, 1));
        Assert.Equal(Enumerable.Range(281, 20).Select(i => (ulong)i), Indexes(read));
    }

    [Fact]
    public void ReleaseLockTo_KeepsTheLastSegmentStartingBelowTheIndex()
    {
        using Wal wal = Fill(300);
        string[] names = SegmentNames(Dir);
        ulong thirdStart = Convert.ToUInt64(names[3][17..33], 16);

        // Segments 0..2 start below thirdStart; 0 and 1 only hold entries below it, 2 may hold it: keep 2 on.
        wal.ReleaseLockTo(thirdStart);
        IReadOnlyList<string> deleted = wal.Purge(1);

        Assert.Equal(new[] { names[0], names[1] }, deleted.Select(Path.GetFileName));
        Assert.Equal(names[2..], SegmentNames(Dir));
    }

    [Fact]
    public void Purge_Zero_KeepsEverything()
    {
        using Wal wal = Fill(300);
        wal.ReleaseLockTo(300);

        Assert.Empty(wal.Purge(0));
    }
}
