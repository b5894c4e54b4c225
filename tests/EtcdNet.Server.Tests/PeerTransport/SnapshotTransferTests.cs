using EtcdNet.Raft.Raftpb;
using EtcdNet.Server.PeerTransport;
using EtcdNet.TestKit;
using Google.Protobuf;

namespace EtcdNet.Server.Tests.PeerTransport;

public sealed class SnapshotTransferTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private static Message Snap(ulong index) => new()
    {
        Type = MessageType.MsgSnap,
        From = 1,
        To = 2,
        Term = 3,
        Snapshot = new Snapshot
        {
            Data = ByteString.CopyFromUtf8("server snapshot metadata"),
            Metadata = new SnapshotMetadata { Index = index, Term = 3, ConfState = new ConfState { Voters = { 1, 2 } } },
        },
    };

    private static RaftTransportOptions SenderOptions(Func<Message, Stream>? openData) => new()
    {
        LocalId = 1,
        ClusterId = 0xc1,
        OpenSnapshotData = openData,
        MinBackoff = TimeSpan.FromMilliseconds(20),
        MaxBackoff = TimeSpan.FromMilliseconds(200),
    };

    [Fact]
    public async Task SendSnapshot_MultiMegabyteData_IsSavedIntactBeforeProcess()
    {
        using var dir = new TempDir();
        var snapDir = Path.Combine(dir.Path, "member", "snap");
        var db = new byte[5 * 1024 * 1024 + 123];
        new Random(7).NextBytes(db);
        await using var a = await PeerMember.StartAsync(SenderOptions(_ => new MemoryStream(db, writable: false)));
        await using var b = await PeerMember.StartAsync(PeerMember.FastOptions(2, snapshotDirectory: snapDir));
        byte[]? seenAtProcess = null;
        b.Handler.OnProcess = m =>
        {
            if (m.Type == MessageType.MsgSnap)
            {
                seenAtProcess = File.ReadAllBytes(SnapshotDbFile.PathFor(snapDir, m.Snapshot.Metadata.Index));
            }
        };
        a.Transport.AddPeer(2, [b.Url]);

        a.Transport.Send([Snap(0x42)]);

        await Eventually.TrueAsync(() => Task.FromResult(!a.Handler.SnapshotReports.IsEmpty), Deadline, "the snapshot report");
        Assert.Equal([(2ul, false)], a.Handler.SnapshotReports);
        var received = Assert.Single(b.Handler.Received);
        Assert.Equal(Snap(0x42), received);
        Assert.NotNull(seenAtProcess);
        Assert.True(db.AsSpan().SequenceEqual(seenAtProcess), "the saved db differs from the sent one");
        Assert.Equal(Path.Combine(snapDir, "0000000000000042.snap.db"), SnapshotDbFile.PathFor(snapDir, 0x42));
        Assert.Equal(["0000000000000042.snap.db"], Directory.GetFiles(snapDir).Select(Path.GetFileName));
        Assert.Equal(1, a.Transport.Stats().Single(s => s.Id == 2).SnapshotsSent);
        Assert.True(b.Transport.Stats().Single(s => s.Id == 1).ReceivedBytes > db.Length);
    }

    [Fact]
    public async Task SendSnapshot_PeerDown_ReportsFailure()
    {
        await using var a = await PeerMember.StartAsync(SenderOptions(_ => new MemoryStream(new byte[100])));
        a.Transport.AddPeer(2, [$"http://127.0.0.1:{Ports.Free()}"]);

        a.Transport.Send([Snap(5)]);

        await Eventually.TrueAsync(() => Task.FromResult(!a.Handler.SnapshotReports.IsEmpty), Deadline, "the snapshot report");
        Assert.Equal([(2ul, true)], a.Handler.SnapshotReports);
        Assert.True(a.Handler.UnreachableCount(2) > 0);
    }

    [Fact]
    public async Task SendSnapshot_DataStreamFails_ReportsFailureAndLeavesNoFile()
    {
        using var dir = new TempDir();
        await using var a = await PeerMember.StartAsync(SenderOptions(_ => new FailingStream(200_000)));
        await using var b = await PeerMember.StartAsync(PeerMember.FastOptions(2, snapshotDirectory: dir.Path));
        a.Transport.AddPeer(2, [b.Url]);

        a.Transport.Send([Snap(7)]);

        await Eventually.TrueAsync(() => Task.FromResult(!a.Handler.SnapshotReports.IsEmpty), Deadline, "the snapshot report");
        Assert.Equal([(2ul, true)], a.Handler.SnapshotReports);
        await Eventually.TrueAsync(() => Task.FromResult(Directory.GetFiles(dir.Path).Length == 0), Deadline,
            "the partial upload to be deleted");
        Assert.Empty(b.Handler.Received);
    }

    /// <summary>Gives some bytes, then fails, as a backend read error would.</summary>
    private sealed class FailingStream(int failAfter) : Stream
    {
        private int _given;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _given; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_given >= failAfter)
            {
                throw new IOException("backend read failed");
            }

            var n = Math.Min(count, failAfter - _given);
            _given += n;
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
