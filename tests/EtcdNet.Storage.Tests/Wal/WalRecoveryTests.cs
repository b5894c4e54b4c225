using EtcdNet.Raft.Raftpb;
using static EtcdNet.Storage.Tests.WalTestData;

namespace EtcdNet.Storage.Tests;

/// <summary>
/// Crash recovery: a write cut short at the end of the tail is repaired by truncation; damage anywhere else is
/// refused with the file and offset (the rule is in WalDecoder's remarks and Wal/README.md).
/// </summary>
public sealed class WalRecoveryTests : IDisposable
{
    private readonly TempDir _tmp = new();

    public void Dispose() => _tmp.Dispose();

    /// <summary>A WAL of entries 1..5 (with hard states), then one more Save of entry 6 alone; returns the last frame's span.</summary>
    private (long Start, long End) BuildWithLastEntry(string dir, string lastData)
    {
        using (Wal wal = Wal.Create(dir, Metadata, Options()))
        {
            wal.Save(State(1, 1, 2), Entries(1, 3));
            wal.Save(State(1, 1, 4), Entries(4, 5));
        }

        long start = ReadBack(dir).TailOffset;
        using (Wal wal = Wal.Open(dir, default, Options()))
        {
            wal.ReadAll();
            wal.Save(new HardState(), [Entry(6, 1, lastData)]);
        }

        long end = ReadBack(dir).TailOffset;
        Assert.True(end > start);
        return (start, end);
    }

    public static TheoryData<bool, int> CutCases => new()
    {
        { false, 40 },    // zeroed from the cut on, as a preallocated segment reads after a crash
        { true, 40 },     // file truncated at the cut
        { false, 1500 },  // a record spanning several 512-byte sectors
    };

    [Theory]
    [MemberData(nameof(CutCases))]
    public void CutLastRecord_AtEveryByte_RecoversTheRecordsBeforeIt_AndAppendsAfterwards(bool truncate, int dataLength)
    {
        string original = _tmp.File("original");
        (long start, long end) = BuildWithLastEntry(original, new string('x', dataLength));
        byte[] tail = File.ReadAllBytes(TailPath(original));
        string segment = Path.GetFileName(TailPath(original));

        for (long cut = start; cut < end; cut++)
        {
            string dir = _tmp.File($"cut-{cut}");
            CopyDirectory(original, dir);
            string path = Path.Combine(dir, segment);
            if (truncate)
            {
                Truncate(path, cut);
            }
            else
            {
                ZeroFrom(path, cut, end);
            }

            // Zeroing only the padding leaves the record whole; any other cut loses exactly the cut record.
            bool intact = !truncate && tail.AsSpan((int)cut, (int)(end - cut)).IndexOfAnyExcept((byte)0) < 0;
            ulong[] expected = intact ? [1, 2, 3, 4, 5, 6] : [1, 2, 3, 4, 5];

            using (Wal wal = Wal.Open(dir, default, Options()))
            {
                WalReadResult read = wal.ReadAll();
                Assert.True(expected.SequenceEqual(Indexes(read)), $"cut at {cut} (record {start}..{end}) read {string.Join(",", Indexes(read))}");
                Assert.Equal(State(1, 1, 4), read.State);
                // A cut at the frame's first byte leaves nothing of it: a clean end, nothing to repair.
                Assert.Equal(!intact && cut > start, read.RepairedTornTail);
                Assert.Equal(intact ? end : start, read.TailOffset);

                wal.Save(State(2, 2, 5), [Entry(6, 2, "after-repair")]);
            }

            WalReadResult again = ReadBack(dir);
            Assert.Equal(new ulong[] { 1, 2, 3, 4, 5, 6 }, Indexes(again));
            Assert.Equal("after-repair", again.Entries[5].Data.ToStringUtf8());
            Assert.Equal(State(2, 2, 5), again.State);
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void TornTail_IsRepaired_KeepingACopyAsBroken_AndZeroingTheRest()
    {
        string dir = _tmp.File("wal");
        (long start, long end) = BuildWithLastEntry(dir, "last");
        string tail = TailPath(dir);
        ZeroFrom(tail, start + 12, end);

        WalReadResult read = ReadBack(dir);

        Assert.True(read.RepairedTornTail);
        Assert.Equal(5, read.Entries.Count);
        Assert.True(File.Exists(tail + ".broken"));
        byte[] repaired = File.ReadAllBytes(tail);
        Assert.Equal(Options().SegmentSize, repaired.Length);
        Assert.True(repaired.AsSpan((int)start).IndexOfAnyExcept((byte)0) < 0);
    }

    [Fact]
    public void FlippedByte_InAMiddleRecord_IsRefusedWithFileAndOffset()
    {
        string dir = _tmp.File("wal");
        BuildWithLastEntry(dir, "last");
        string tail = TailPath(dir);
        long at = IndexOf(tail, "entry-3");

        XorByte(tail, at + 2);

        using Wal wal = Wal.Open(dir, default, Options());
        var e = Assert.Throws<WalCorruptException>(() => wal.ReadAll());
        Assert.Equal(tail, e.Path);
        Assert.InRange(e.Offset, at - 64, at);
        Assert.Equal(0, e.Offset % 8);
        Assert.Contains("crc mismatch", e.Message);
        Assert.Contains(tail, e.Message);
    }

    [Fact]
    public void FlippedByte_AnywhereBeforeTheLastRecord_NeverShortensTheLogSilently()
    {
        string original = _tmp.File("original");
        (long start, _) = BuildWithLastEntry(original, "last");
        string segment = Path.GetFileName(TailPath(original));

        // Every byte of every record before the last: either the damage is caught, or it hit padding and changed nothing.
        for (long at = 0; at < start; at++)
        {
            string dir = _tmp.File($"flip-{at}");
            CopyDirectory(original, dir);
            XorByte(Path.Combine(dir, segment), at);
            try
            {
                WalReadResult read = ReadBack(dir);
                Assert.True(new ulong[] { 1, 2, 3, 4, 5, 6 }.SequenceEqual(Indexes(read)), $"flip at {at} read {string.Join(",", Indexes(read))}");
                Assert.Equal(Metadata, read.Metadata);
                Assert.All(read.Entries, e => Assert.Equal($"entry-{e.Index}", e.Index == 6 ? "entry-6" : e.Data.ToStringUtf8()));
            }
            catch (WalException)
            {
                // Refused: what the rule promises.
            }

            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void FlippedByte_AnywhereInTheLastRecord_IsRefusedOrHarmless()
    {
        string original = _tmp.File("original");
        (long start, long end) = BuildWithLastEntry(original, "the-last-entry");
        string segment = Path.GetFileName(TailPath(original));

        // The documented rule for the last record: a complete record with a damaged byte is corruption, not a
        // torn write, so no flip may quietly drop it (a flip in its zero padding changes nothing).
        for (long at = start; at < end; at++)
        {
            string dir = _tmp.File($"flip-{at}");
            CopyDirectory(original, dir);
            XorByte(Path.Combine(dir, segment), at);
            try
            {
                WalReadResult read = ReadBack(dir);
                Assert.True(read.Entries.Count == 6, $"flip at {at} (record {start}..{end}) read {string.Join(",", Indexes(read))}");
                Assert.Equal("the-last-entry", read.Entries[5].Data.ToStringUtf8());
            }
            catch (WalCorruptException e)
            {
                Assert.Equal(start, e.Offset);
            }

            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void FlippedByte_InsideTheLastRecord_IsRefusedNotTreatedAsTorn()
    {
        string dir = _tmp.File("wal");
        BuildWithLastEntry(dir, "the-last-entry");
        string tail = TailPath(dir);

        // The rest of the segment is zeros, but the record ends in its non-zero type byte: a complete write, damaged.
        XorByte(tail, IndexOf(tail, "the-last-entry") + 4);

        using Wal wal = Wal.Open(dir, default, Options());
        Assert.Throws<WalCorruptException>(() => wal.ReadAll());
    }

    [Fact]
    public void WholeZeroSector_InsideTheLastRecord_IsATornWrite()
    {
        string dir = _tmp.File("wal");
        (long start, long end) = BuildWithLastEntry(dir, new string('y', 2000));
        string tail = TailPath(dir);

        // Sectors of one write reaching the disk out of order: a middle sector never made it, the end did.
        long sector = ((start + 600) / 512) * 512;
        ZeroFrom(tail, sector, sector + 512);
        Assert.True(sector + 512 < end);

        WalReadResult read = ReadBack(dir);
        Assert.True(read.RepairedTornTail);
        Assert.Equal(5, read.Entries.Count);
    }

    [Fact]
    public void DamageInASealedSegment_IsRefusedEvenAtItsEnd()
    {
        string dir = _tmp.File("wal");
        using (Wal wal = Wal.Create(dir, Metadata, Options(segmentSize: 2048)))
        {
            for (ulong i = 1; i <= 200; i += 10)
            {
                wal.Save(State(1, 1, i), Entries(i, i + 9));
            }
        }

        string first = Path.Combine(dir, SegmentNames(dir)[0]);
        long length = new FileInfo(first).Length;

        // A cut that would be a torn write in the tail is corruption in a segment that was sealed and synced.
        Truncate(first, length - 5);

        using Wal reopened = Wal.Open(dir, default, Options());
        var e = Assert.Throws<WalCorruptException>(() => reopened.ReadAll());
        Assert.Equal(first, e.Path);
    }

    [Fact]
    public void FlippedCrcRecord_AtASegmentHead_BreaksTheChain()
    {
        string dir = _tmp.File("wal");
        using (Wal wal = Wal.Create(dir, Metadata, Options(segmentSize: 2048)))
        {
            for (ulong i = 1; i <= 200; i += 10)
            {
                wal.Save(State(1, 1, i), Entries(i, i + 9));
            }
        }

        string second = Path.Combine(dir, SegmentNames(dir)[1]);

        // The first record of a segment is the crc record; byte 9 is inside its crc value.
        XorByte(second, 9, 0x01);

        using Wal reopened = Wal.Open(dir, default, Options());
        var e = Assert.Throws<WalCorruptException>(() => reopened.ReadAll());
        Assert.Equal(second, e.Path);
        Assert.Equal(0, e.Offset);
    }

    [Fact]
    public void BytesAfterTheLastRecord_AreZeroedOnOpen_SoLaterAppendsReadBack()
    {
        string dir = _tmp.File("wal");
        (_, long end) = BuildWithLastEntry(dir, "last");
        string tail = TailPath(dir);

        // Leftovers of a torn write behind a length field that never reached the disk.
        using (var f = new FileStream(tail, FileMode.Open, FileAccess.Write))
        {
            f.Position = end + 64;
            f.Write("garbage"u8);
        }

        using (Wal wal = Wal.Open(dir, default, Options()))
        {
            Assert.Equal(6, wal.ReadAll().Entries.Count);
            wal.Save(State(1, 1, 6), Entries(7, 20));
        }

        Assert.Equal(20, ReadBack(dir).Entries.Count);
    }
}
