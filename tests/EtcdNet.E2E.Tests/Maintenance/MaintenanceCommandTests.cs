using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EtcdNet.TestKit;

namespace EtcdNet.E2E.Tests.Maintenance;

/// <summary>etcdctl's maintenance commands (hashkv, defrag, snapshot save) against one etcdnet member.</summary>
public sealed class MaintenanceCommandTests : IAsyncLifetime
{
    private Member _member = null!;
    private readonly TempDir _dir = new("etcdnet-maint");

    public async Task InitializeAsync() => _member = await Member.StartAsync(ServerKind.EtcdNet);

    public async Task DisposeAsync()
    {
        await _member.DisposeAsync();
        _dir.Dispose();
    }

    private async Task<string> Ok(params string[] args)
    {
        var result = await Etcdctl.RunAsync(_member.ClientUrl, args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Stdout;
    }

    private async Task<JsonElement> StatusAsync() =>
        JsonDocument.Parse(await Ok("endpoint", "status", "-w", "json")).RootElement[0].GetProperty("Status");

    [Fact]
    public async Task EndpointHashKV_ReportsHashThatTracksWrites()
    {
        await Ok("put", "a", "1");
        var first = JsonDocument.Parse(await Ok("endpoint", "hashkv", "-w", "json")).RootElement[0].GetProperty("HashKV");
        uint hash = first.GetProperty("hash").GetUInt32();
        Assert.Equal(-1, first.GetProperty("compact_revision").GetInt64());
        await Ok("put", "a", "2");
        var second = JsonDocument.Parse(await Ok("endpoint", "hashkv", "-w", "json")).RootElement[0].GetProperty("HashKV");
        Assert.NotEqual(hash, second.GetProperty("hash").GetUInt32());
        // The hash at an older revision does not move with later writes.
        long rev = first.GetProperty("header").GetProperty("revision").GetInt64();
        var old = JsonDocument.Parse(await Ok("endpoint", "hashkv", "--rev", rev.ToString(), "-w", "json")).RootElement[0].GetProperty("HashKV");
        Assert.Equal(hash, old.GetProperty("hash").GetUInt32());
    }

    [Fact]
    public async Task Defrag_AfterDeleteAndCompaction_ShrinksDbSizeAndPrintsEtcdLine()
    {
        string big = new('x', 20_000);
        for (int i = 0; i < 100; i++)
        {
            await Ok("put", $"k{i:D3}", big);
        }
        await Ok("del", "k", "--prefix");
        long rev = (await StatusAsync()).GetProperty("header").GetProperty("revision").GetInt64();
        await Ok("compact", rev.ToString(), "--physical");
        long before = (await StatusAsync()).GetProperty("dbSize").GetInt64();

        string output = await Ok("defrag");

        Assert.Equal($"Finished defragmenting etcd member[{_member.ClientUrl}]", output.Trim());
        long after = (await StatusAsync()).GetProperty("dbSize").GetInt64();
        Assert.True(after < before / 4, $"dbSize {before} -> {after}");
        await Ok("put", "after", "defrag");
        Assert.Equal("defrag", (await Ok("get", "after", "--print-value-only")).Trim());
    }

    [Fact]
    public async Task SnapshotSave_WritesDatabaseWithSha256Trailer()
    {
        await Ok("put", "snap", "shot");
        string file = Path.Combine(_dir.Path, "f.db");

        string output = await Ok("snapshot", "save", file);

        Assert.Contains($"Snapshot saved at {file}", output, StringComparison.Ordinal);
        byte[] bytes = await File.ReadAllBytesAsync(file);
        Assert.Equal(32, bytes.Length % 512);
        byte[] db = bytes[..^32];
        Assert.Equal(SHA256.HashData(db), bytes[^32..]);
        Assert.Equal("SQLite format 3\0", Encoding.ASCII.GetString(db, 0, 16));
    }
}
