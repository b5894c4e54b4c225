using EtcdNet.Snapshot;
using EtcdNet.TestKit;

namespace EtcdNet.Tests.Snapshot;

/// <summary>`etcdnet snapshot status` in etcdctl's output formats.</summary>
public sealed class SnapshotStatusCommandTests : IDisposable
{
    private readonly TempDir _dir = new("etcdnet-status");

    public void Dispose() => _dir.Dispose();

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = SnapshotCommand.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Status_Json_ReportsRevisionKeysAndSizeWithoutTheTrailer()
    {
        var file = SnapshotFixture.Write(_dir.Path);

        var result = Run("status", file, "-w", "json");

        Assert.True(result.Code == 0, result.Stderr);
        using var json = System.Text.Json.JsonDocument.Parse(result.Stdout);
        Assert.Equal(3, json.RootElement.GetProperty("revision").GetInt64());
        // two keys, one member, one removed member, one consistent index
        Assert.Equal(5, json.RootElement.GetProperty("totalKey").GetInt32());
        Assert.Equal(new FileInfo(file).Length - 32, json.RootElement.GetProperty("totalSize").GetInt64());
    }

    [Fact]
    public void Status_SimpleAndTable_AgreeOnOneRow()
    {
        var file = SnapshotFixture.Write(_dir.Path);

        var simple = Run("status", file).Stdout.Trim().Split(", ");
        var table = Run("status", file, "--write-out=table").Stdout.Split('\n');

        Assert.Equal(4, simple.Length);
        Assert.Equal("3", simple[1]);
        Assert.Equal("5", simple[2]);
        Assert.Equal("|   HASH   | REVISION | TOTAL KEYS | TOTAL SIZE |", table[1]);
        Assert.Matches(@"^\| +[0-9a-f]+ \| +3 \| +5 \| +\d+ kB \|$", table[3]);
        Assert.Contains(simple[0], table[3], StringComparison.Ordinal);
    }

    [Fact]
    public void Status_SameContent_SameHash()
    {
        var first = Run("status", SnapshotFixture.Write(_dir.Path)).Stdout.Split(", ")[0];
        var file = SnapshotFixture.Write(_dir.Path);

        Assert.Equal(first, Run("status", file).Stdout.Split(", ")[0]);
        Assert.NotEqual("0", first);
    }

    [Fact]
    public void Status_MissingFile_FailsAsGoStat()
    {
        var result = Run("status", "nofile.db");

        Assert.Equal(1, result.Code);
        Assert.Equal("Error: stat nofile.db: no such file or directory", result.Stderr.Trim());
    }

    [Theory]
    [InlineData(5ul, "5 B")]
    [InlineData(20480ul, "20 kB")]
    [InlineData(45056ul, "45 kB")]
    [InlineData(1_500_000ul, "1.5 MB")]
    [InlineData(2_147_483_648ul, "2.1 GB")]
    public void HumanBytes_FormatsAsGoHumanize(ulong size, string expected) =>
        Assert.Equal(expected, SnapshotStatusPrinter.HumanBytes(size));
}
