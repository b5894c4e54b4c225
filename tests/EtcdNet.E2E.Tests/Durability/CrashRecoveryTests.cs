using System.Collections.Concurrent;
using System.Text.Json;
using EtcdNet.TestKit;

namespace EtcdNet.E2E.Tests.Durability;

/// <summary>kill -9 must not lose a write that etcdctl saw acknowledged.</summary>
public sealed class CrashRecoveryTests
{
    [Fact]
    public async Task KillDuringPuts_Restart_EveryAcknowledgedPutSurvives()
    {
        await using var member = await Member.StartAsync(ServerKind.EtcdNet);
        var acknowledged = new ConcurrentDictionary<string, string>();
        using var stopWriters = new CancellationTokenSource();

        // Four writers put distinct keys until the member dies under them.
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; !stopWriters.IsCancellationRequested; i++)
            {
                var key = $"k{w}-{i:D4}";
                var value = $"v{w}-{i}";
                var put = await Etcdctl.RunAsync(member.ClientUrl, ["--command-timeout", "2s", "put", key, value]);
                if (put.ExitCode != 0) break;
                acknowledged[key] = value;
            }
        })).ToArray();

        await Eventually.TrueAsync(() => Task.FromResult(acknowledged.Count >= 40), TimeSpan.FromSeconds(60), "40 acknowledged puts");
        await member.KillAsync();
        stopWriters.Cancel();
        await Task.WhenAll(writers);

        await member.StartProcessAsync();
        var get = await Etcdctl.RunAsync(member.ClientUrl, ["get", "--prefix", "k", "-w", "json"]);
        Assert.True(get.ExitCode == 0, get.ToString());
        var kvs = JsonDocument.Parse(get.Stdout).RootElement.GetProperty("kvs").EnumerateArray()
            .ToDictionary(kv => Decode(kv, "key"), kv => (Value: Decode(kv, "value"), Mod: kv.GetProperty("mod_revision").GetInt64(), Version: kv.GetProperty("version").GetInt64()));
        foreach (var (key, value) in acknowledged)
        {
            Assert.True(kvs.TryGetValue(key, out var stored), $"acknowledged key {key} lost after kill -9");
            Assert.Equal(value, stored.Value);
            Assert.Equal(1, stored.Version);
        }
        // Each put took its own revision, so revisions are distinct and the store's head is past all of them.
        Assert.Equal(kvs.Count, kvs.Values.Select(v => v.Mod).Distinct().Count());
    }

    [Fact]
    public async Task Restart_KeepsRevisionsVersionsAndHistory()
    {
        await using var member = await Member.StartAsync(ServerKind.EtcdNet);
        foreach (var v in new[] { "a", "b", "c" })
        {
            var put = await Etcdctl.RunAsync(member.ClientUrl, ["put", "key", v]);
            Assert.True(put.ExitCode == 0, put.ToString());
        }
        await Etcdctl.RunAsync(member.ClientUrl, ["del", "key"]);
        await Etcdctl.RunAsync(member.ClientUrl, ["put", "key", "d"]);
        var before = await Etcdctl.RunAsync(member.ClientUrl, ["get", "key", "-w", "json"]);

        await member.KillAsync();
        await member.StartProcessAsync();

        var after = await Etcdctl.RunAsync(member.ClientUrl, ["get", "key", "-w", "json"]);
        Assert.Equal(Kvs(before.Stdout), Kvs(after.Stdout));
        var historic = await Etcdctl.RunAsync(member.ClientUrl, ["get", "key", "--rev", "3", "--print-value-only"]);
        Assert.Equal("b", historic.Stdout.Trim());
        var next = await Etcdctl.RunAsync(member.ClientUrl, ["put", "key", "e", "-w", "json"]);
        Assert.Equal(7, JsonDocument.Parse(next.Stdout).RootElement.GetProperty("header").GetProperty("revision").GetInt64());
    }

    private static string Kvs(string json) => JsonDocument.Parse(json).RootElement.GetProperty("kvs").GetRawText();

    private static string Decode(JsonElement kv, string field) =>
        kv.TryGetProperty(field, out var v) ? System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(v.GetString()!)) : "";
}
