using System.Buffers.Binary;
using EtcdNet.Raft.Raftpb;
using static EtcdNet.Storage.Tests.WalTestData;

namespace EtcdNet.Storage.Tests;

public sealed class WalTests : IDisposable
{
    private readonly TempDir _tmp = new();

    private string Dir => _tmp.File("member/wal");

    public void Dispose() => _tmp.Dispose();

    [Fact]
    public void Create_ThenReadAll_ReturnsMetadataStateAndEntries()
    {
        using (Wal wal = Wal.Create(Dir, Metadata, Options()))
        {
            wal.Save(State(1, 1, 0), Entries(1, 3));
            wal.Save(State(2, 1, 3), Entries(4, 5, term: 2));
        }

        WalReadResult read = ReadBack(Dir);

        Assert.Equal(Metadata, read.Metadata);
        Assert.Equal(State(2, 1, 3), read.State);
        Assert.Equal(new ulong[] { 1, 2, 3, 4, 5 }, Indexes(read));
        Assert.Equal(Entry(4, 2), read.Entries[3]);
        Assert.False(read.RepairedTornTail);
        Assert.Equal(new[] { "0000000000000000-0000000000000000.wal" }, SegmentNames(Dir));
        Assert.False(Directory.Exists(Dir + ".tmp"));
    }

    [Fact]
    public void Create_SegmentIsPreallocated()
    {
        using Wal wal = Wal.Create(Dir, Metadata, Options(segmentSize: 128 * 1024));

        Assert.Equal(128 * 1024, new FileInfo(TailPath(Dir)).Length);
    }

    [Fact]
    public void Create_WhereAWalExists_Throws()
    {
        Wal.Create(Dir, Metadata, Options()).Dispose();

        var e = Assert.Throws<WalException>(() => Wal.Create(Dir, Metadata, Options()));
        Assert.Contains("already", e.Message);
    }

    [Fact]
    public void Open_EmptyDirectory_ThrowsFileNotFound()
    {
        Directory.CreateDirectory(Dir);

        var e = Assert.Throws<WalException>(() => Wal.Open(Dir, default, Options()));
        Assert.StartsWith("wal: file not found", e.Message);
        Assert.False(Wal.Exists(Dir));
    }

    [Fact]
    public void Open_WhileOpen_IsRefusedByTheLock()
    {
        Wal.Create(Dir, Metadata, Options()).Dispose();
        using Wal first = Wal.Open(Dir, default, Options());

        var e = Assert.Throws<WalException>(() => Wal.Open(Dir, default, Options()));
        Assert.Contains("cannot lock", e.Message);
    }

    [Fact]
    public void Open_AfterDispose_LockIsReleased()
    {
        Wal.Create(Dir, Metadata, Options()).Dispose();
        Wal.Open(Dir, default, Options()).Dispose();

        using Wal again = Wal.Open(Dir, default, Options());
        Assert.Empty(again.ReadAll().Entries);
    }

    [Fact]
    public void Save_BeforeReadAll_Throws()
    {
        Wal.Create(Dir, Metadata, Options()).Dispose();
        using Wal wal = Wal.Open(Dir, default, Options());

        Assert.Throws<InvalidOperationException>(() => wal.Save(State(1, 0, 0), Entries(1, 1)));
    }

    [Fact]
    public void ReadAll_ThenSave_AppendsAfterTheExistingRecords()
    {
        using (Wal wal = Wal.Create(Dir, Metadata, Options()))
        {
            wal.Save(State(1, 1, 1), Entries(1, 2));
        }

        using (Wal wal = Wal.Open(Dir, default, Options()))
        {
            wal.ReadAll();
            wal.Save(State(1, 1, 3), Entries(3, 4));
        }

        WalReadResult read = ReadBack(Dir);
        Assert.Equal(new ulong[] { 1, 2, 3, 4 }, Indexes(read));
        Assert.Equal(State(1, 1, 3), read.State);
    }

    [Fact]
    public void Save_StateOnly_IsReadBack()
    {
        using (Wal wal = Wal.Create(Dir, Metadata, Options()))
        {
            wal.Save(State(3, 2, 0), []);
            wal.Save(State(3, 2, 7), []);
        }

        Assert.Equal(State(3, 2, 7), ReadBack(Dir).State);
    }

    [Fact]
    public void Save_PastSegmentSize_CutsSegmentsNamedBySequenceAndFirstIndex()
    {
        using (Wal wal = Wal.Create(Dir, Metadata, Options(segmentSize: 4096)))
        {
            for (ulong i = 1; i <= 600; i += 10)
            {
                wal.Save(State(1, 1, i - 1), Entries(i, i + 9));
            }
        }

        string[] names = SegmentNames(Dir);
        Assert.True(names.Length > 3, $"expected several segments, got {names.Length}");
        Assert.Equal("0000000000000000-0000000000000000.wal", names[0]);
        for (int i = 1; i < names.Length; i++)
        {
            ulong seq = Convert.ToUInt64(names[i][..16], 16);
            ulong first = Convert.ToUInt64(names[i][17..33], 16);
            Assert.Equal((ulong)i, seq);

            // A segment is cut after a whole Save; the next one starts at the entry after that batch.
            Assert.Equal(1UL, first % 10);
        }

        // Sealed segments are truncated to their records; the tail keeps its preallocation.
        Assert.True(new FileInfo(Path.Combine(Dir, names[0])).Length < 4096 + 1024);
        Assert.Equal(4096, new FileInfo(Path.Combine(Dir, names[^1])).Length);

        WalReadResult read = ReadBack(Dir);
        Assert.Equal(Enumerable.Range(1, 600).Select(i => (ulong)i), Indexes(read));
        Assert.Equal(State(1, 1, 590), read.State);
    }

    [Fact]
    public void Cut_NewSegmentHeadCarriesState_SoReadingFromItAloneKnowsTheHardState()
    {
        using (Wal wal = Wal.Create(Dir, Metadata, Options(segmentSize: 4096)))
        {
            for (ulong i = 1; i <= 100; i += 10)
            {
                wal.Save(State(4, 2, i), Entries(i, i + 9, term: 4));
            }

            wal.SaveSnapshot(new WalSnapshot(90, 4));
        }

        // Starting at index 90 skips the segments before it; the hard state comes from a segment head or later.
        WalReadResult read = ReadBack(Dir, new WalSnapshot(90, 4));
        Assert.Equal(new ulong[] { 91, 92, 93, 94, 95, 96, 97, 98, 99, 100 }, Indexes(read));
        Assert.Equal(4UL, read.State.Term);
    }

    [Fact]
    public void Open_FromSnapshotMarker_ReturnsOnlyEntriesAfterIt()
    {
        var conf = new ConfState { Voters = { 1, 2, 3 } };
        using (Wal wal = Wal.Create(Dir, Metadata, Options(segmentSize: 4096)))
        {
            wal.Save(State(2, 1, 50), Entries(1, 50, term: 2));
            wal.SaveSnapshot(new WalSnapshot(50, 2, conf));
            wal.Save(State(2, 1, 60), Entries(51, 60, term: 2));
        }

        WalReadResult read = ReadBack(Dir, new WalSnapshot(50, 2));

        Assert.Equal(Enumerable.Range(51, 10).Select(i => (ulong)i), Indexes(read));
        Assert.Equal(conf, Wal.ValidSnapshotEntries(Dir).Single(s => s.Index == 50).ConfState);
    }

    [Fact]
    public void Open_FromSnapshotWithOtherTerm_ThrowsMismatch()
    {
        using (Wal wal = Wal.Create(Dir, Metadata, Options()))
        {
            wal.Save(State(2, 1, 5), Entries(1, 5, term: 2));
            wal.SaveSnapshot(new WalSnapshot(5, 2));
        }

        using Wal reopened = Wal.Open(Dir, new WalSnapshot(5, 3), Options());
        var e = Assert.Throws<WalException>(() => reopened.ReadAll());
        Assert.StartsWith("wal: snapshot mismatch", e.Message);
    }

    [Fact]
    public void Open_FromSnapshotWithoutMarker_ThrowsNotFound()
    {
        using (Wal wal = Wal.Create(Dir, Metadata, Options()))
        {
            wal.Save(State(2, 1, 5), Entries(1, 5, term: 2));
        }

        using Wal reopened = Wal.Open(Dir, new WalSnapshot(3, 2), Options());
        var e = Assert.Throws<WalException>(() => reopened.ReadAll());
        Assert.StartsWith("wal: snapshot not found", e.Message);
    }

    [Fact]
    public void ReadAll_EntriesRewrittenByANewLeader_ReplaceTheOldTail()
    {
        using (Wal wal = Wal.Create(Dir, Metadata, Options()))
        {
            wal.Save(State(1, 1, 2), Entries(1, 5, term: 1));

            // Term 2's leader never had 4 and 5 (nor 3): its entries 3.. overwrite them.
            wal.Save(State(2, 2, 2), [Entry(3, 2, "new-3"), Entry(4, 2, "new-4")]);
            wal.Save(State(2, 2, 4), [Entry(5, 2, "new-5"), Entry(6, 2, "new-6")]);
            wal.Save(State(3, 3, 4), [Entry(6, 3, "newer-6")]);
        }

        WalReadResult read = ReadBack(Dir);

        Assert.Equal(new ulong[] { 1, 2, 3, 4, 5, 6 }, Indexes(read));
        Assert.Equal(new ulong[] { 1, 1, 2, 2, 2, 3 }, read.Entries.Select(e => e.Term));
        Assert.Equal("newer-6", read.Entries[5].Data.ToStringUtf8());
    }

    [Fact]
    public void ReadAll_EntryLeavingAGap_IsRefused()
    {
        using (Wal wal = Wal.Create(Dir, Metadata, Options()))
        {
            wal.Save(State(1, 1, 2), [Entry(1), Entry(2), Entry(4)]);
        }

        using Wal reopened = Wal.Open(Dir, default, Options());
        var e = Assert.Throws<WalCorruptException>(() => reopened.ReadAll());
        Assert.Contains("gap", e.Message);
    }

    [Fact]
    public void Records_ParseWithTheGeneratedWalpbRecord_AndCarryTheChainedCrc()
    {
        using (Wal wal = Wal.Create(Dir, Metadata, Options()))
        {
            wal.Save(State(1, 1, 1), Entries(1, 2));
        }

        byte[] file = File.ReadAllBytes(TailPath(Dir));
        var types = new List<long>();
        uint chain = 0;
        for (int off = 0; ;)
        {
            ulong field = BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(off));
            if (field == 0)
            {
                break;
            }

            int recordBytes = (int)(field & 0x00FF_FFFF_FFFF_FFFF);
            int pad = (field >> 63) != 0 ? (int)((field >> 56) & 7) : 0;
            Assert.Equal(0, (8 + recordBytes + pad) % 8);
            var record = Walpb.Record.Parser.ParseFrom(file.AsSpan(off + 8, recordBytes));
            types.Add(record.Type);
            if (record.Type == (long)WalRecordType.Crc)
            {
                Assert.Equal(chain, record.Crc);
            }
            else
            {
                chain = Crc32C.Update(chain, record.Data.Span);
                Assert.Equal(chain, record.Crc);
            }

            off += 8 + recordBytes + pad;
        }

        // Create writes the crc, metadata and empty snapshot marker heads; Save writes entries, then the state.
        Assert.Equal(new long[] { 4, 1, 5, 2, 2, 3 }, types);
    }

    [Fact]
    public void ValidSnapshotEntries_OnlyMarkersTheHardStateCommitted()
    {
        using (Wal wal = Wal.Create(Dir, Metadata, Options()))
        {
            wal.Save(State(1, 1, 10), Entries(1, 20));
            wal.SaveSnapshot(new WalSnapshot(5, 1));
            wal.SaveSnapshot(new WalSnapshot(10, 1));
            wal.SaveSnapshot(new WalSnapshot(15, 1));
        }

        IReadOnlyList<WalSnapshot> valid = Wal.ValidSnapshotEntries(Dir);

        Assert.Equal(new ulong[] { 0, 5, 10 }, valid.Select(s => s.Index));
    }

    [Fact]
    public void Save_ManyBatches_WithFsync_RoundTrips()
    {
        using (Wal wal = Wal.Create(Dir, Metadata, new WalOptions { SegmentSize = 16 * 1024 }))
        {
            for (ulong i = 1; i <= 200; i++)
            {
                wal.Save(State(1, 1, i - 1), [Entry(i)]);
            }
        }

        Assert.Equal(200, ReadBack(Dir).Entries.Count);
    }
}
