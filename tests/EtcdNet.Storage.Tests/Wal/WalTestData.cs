using System.Text;
using EtcdNet.Raft.Raftpb;
using Google.Protobuf;

namespace EtcdNet.Storage.Tests;

/// <summary>Entries, options and file surgery shared by the WAL tests.</summary>
internal static class WalTestData
{
    public static readonly byte[] Metadata = Encoding.UTF8.GetBytes("member-id=1 cluster-id=2");

    /// <summary>Small segments so tests cut often; no fsync, which the tests cannot observe anyway.</summary>
    public static WalOptions Options(long segmentSize = 64 * 1024) => new() { SegmentSize = segmentSize, Fsync = false };

    public static Entry Entry(ulong index, ulong term = 1, string? data = null) =>
        new() { Index = index, Term = term, Data = ByteString.CopyFromUtf8(data ?? $"entry-{index}") };

    public static List<Entry> Entries(ulong first, ulong last, ulong term = 1)
    {
        var list = new List<Entry>();
        for (ulong i = first; i <= last; i++)
        {
            list.Add(Entry(i, term));
        }

        return list;
    }

    public static HardState State(ulong term, ulong vote, ulong commit) => new() { Term = term, Vote = vote, Commit = commit };

    public static string[] SegmentNames(string dir) =>
        Directory.GetFiles(dir, "*.wal").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    public static string TailPath(string dir) => Path.Combine(dir, SegmentNames(dir)[^1]);

    public static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
        }
    }

    /// <summary>Opens the WAL at <paramref name="from"/>, reads it, and closes it.</summary>
    public static WalReadResult ReadBack(string dir, WalSnapshot from = default, WalOptions? options = null)
    {
        using Wal wal = Wal.Open(dir, from, options ?? Options());
        return wal.ReadAll();
    }

    public static void XorByte(string path, long offset, byte mask = 0xFF)
    {
        using var f = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        f.Position = offset;
        int b = f.ReadByte();
        f.Position = offset;
        f.WriteByte((byte)(b ^ mask));
    }

    public static void ZeroFrom(string path, long from, long to)
    {
        using var f = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        f.Position = from;
        f.Write(new byte[to - from]);
    }

    public static void Truncate(string path, long length)
    {
        using var f = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        f.SetLength(length);
    }

    public static long IndexOf(string path, string text)
    {
        byte[] bytes = File.ReadAllBytes(path);
        int at = bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text));
        return at;
    }

    public static ulong[] Indexes(WalReadResult result) => result.Entries.Select(e => e.Index).ToArray();
}
