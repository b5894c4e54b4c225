using System.Text.Json;
using System.Text.RegularExpressions;
using EtcdNet.TestKit;

namespace EtcdNet.E2E.Tests.Watch;

/// <summary>
/// `etcdctl watch` against etcdnet and etcd 3.4: the same watch and the same writes on each, and the watch's output
/// (after a start-up handshake) compared. Each write waits until the watch has printed it, so the output is
/// deterministic even where etcdctl prints from several goroutines.
/// </summary>
public sealed partial class WatchDifferentialTests : IAsyncLifetime
{
    private MemberPair _pair = null!;

    public async Task InitializeAsync() => _pair = await MemberPair.StartAsync();

    public async Task DisposeAsync() => await _pair.DisposeAsync();

    [Fact]
    public Task Watch_Key_SeesPutsDeletesAndTxns_MatchEtcd() => SameAsync(["k"], async s =>
    {
        await s.SyncAsync("k");
        await s.RunAndSeeAsync("put k v1", "v1");
        await s.RunAsync("put other x");
        await s.RunAndSeeAsync("del k", "DELETE");
        await s.RunAndSeeAsync("txn", "v2", "\nput k v2\nput other y\n\n\n");
        await s.RunAndSeeAsync("txn", "DELETE", "\ndel k\nput k2 z\n\n\n");
        await s.RunAndSeeAsync("put k end", "end");
    });

    [Fact]
    public Task Watch_Prefix_SeesOnlyItsKeys_MatchEtcd() => SameAsync(["--prefix", "p"], async s =>
    {
        await s.SyncAsync("p/sync");
        await s.RunAndSeeAsync("put p1 a", "a");
        await s.RunAsync("put q b");
        await s.RunAndSeeAsync("put p/x c", "c");
        await s.RunAndSeeAsync("txn", "e", "\nput p/y d\nput q/z nope\nput p/z e\n\n\n");
        await s.RunAndSeeAsync("del --prefix p", "DELETE", times: 5);
        await s.RunAndSeeAsync("put p end", "end");
    });

    [Fact]
    public Task Watch_PrevKv_EventsCarryThePreviousValue_MatchEtcd() => SameAsync(["--prev-kv", "k"], async s =>
    {
        await s.SyncAsync("k");
        await s.RunAndSeeAsync("put k a", "a");
        await s.RunAndSeeAsync("put k b", "b");
        await s.RunAndSeeAsync("del k", "DELETE");
        await s.RunAndSeeAsync("put k c", "c");
        await s.RunAndSeeAsync("put k end", "end");
    });

    [Fact]
    public async Task Watch_RevReplaysHistoryThenLive_JsonMatchesEtcd()
    {
        string[] setup = ["put h 1", "put x 1", "put h 2", "del h", "put h 3"];
        await SameAsync(["--rev", "2", "h", "-w", "json"], async s =>
        {
            await s.WaitLinesAsync(1);
            await s.RunAsync("put h 4");
            await s.WaitLinesAsync(2);
        }, setup, handshake: false);
    }

    [Fact]
    public Task Watch_RevCompacted_CanceledWithEtcdError_MatchEtcd() => SameAsync(["--rev", "2", "k"], async s =>
    {
        await s.ExitAsync();
    }, ["put k 1", "put k 2", "put k 3", "put k 4", "compact 4"], handshake: false);

    [Fact]
    public Task Watch_Interactive_SeveralWatchesAndProgress_MatchEtcd() => SameAsync(["-i"], async s =>
    {
        await s.InputAsync("watch k");
        await s.SyncAsync("k");
        await s.InputAsync("watch p");
        await s.SyncAsync("p");
        await s.RunAndSeeAsync("put k a", "a");
        await s.RunAndSeeAsync("put p b", "b");
        await s.RunAsync("put other c");
        long rev = await s.RevisionAsync();
        await s.InputAsync("progress");
        // Both watches share one gRPC stream, so the one answer reaches each of them.
        await s.SeeAsync($"progress notify: {rev}", 2);
        s.Replace($"progress notify: {rev}", "progress notify: <current revision>");
        await s.RunAndSeeAsync("del k", "DELETE");
    });

    private async Task SameAsync(string[] watchArgs, Func<Session, Task> steps, string[]? setup = null, bool handshake = true)
    {
        string etcd = await TranscriptAsync(_pair.Etcd, watchArgs, steps, setup, handshake);
        string etcdNet = await TranscriptAsync(_pair.EtcdNet, watchArgs, steps, setup, handshake);
        Assert.Equal(etcd, etcdNet);
    }

    private static async Task<string> TranscriptAsync(Member member, string[] watchArgs, Func<Session, Task> steps, string[]? setup, bool handshake)
    {
        foreach (string command in setup ?? [])
        {
            CommandResult r = await Etcdctl.RunAsync(member.ClientUrl, Shell.Split(command));
            Assert.True(r.ExitCode == 0, $"{command}: {r}");
        }
        var session = new Session(member, EtcdctlWatch.Start(member.ClientUrl, watchArgs));
        await using (session.Watch)
        {
            await steps(session);
            List<string> lines = session.Watch.Lines;
            string text = string.Join('\n', lines.Skip(handshake ? session.Start : 0));
            foreach ((string from, string to) in session.Replacements)
            {
                text = text.Replace(from, to, StringComparison.Ordinal);
            }
            text = Ids().Replace(text, "\"$1\":<id>");
            string exit = session.Watch.HasExited ? $"\nexit {session.Watch.ExitCode}" : "";
            return $"{text}\n-- stderr --\n{session.Watch.Stderr}{exit}";
        }
    }

    // Cluster and member ids differ per server; etcd 3.4 counts its raft term from 2, etcdnet from 1.
    [GeneratedRegex("\"(cluster_id|member_id|raft_term)\":\\d+")]
    private static partial Regex Ids();

    /// <summary>One server's side of a scenario: its watch process and the writes driven against it.</summary>
    private sealed class Session(Member member, EtcdctlWatch watch)
    {
        private const string SyncValue = "__sync__";
        private const string GoValue = "__go__";

        public EtcdctlWatch Watch { get; } = watch;

        /// <summary>First output line after the last handshake: what is compared.</summary>
        public int Start { get; private set; }

        public List<(string From, string To)> Replacements { get; } = [];

        /// <summary>
        /// Makes sure the latest watch is registered: writes <paramref name="key"/> until the watch prints it (the
        /// number of tries differs per server, so those lines are not compared), then one marker write after which
        /// the compared output starts.
        /// </summary>
        public async Task SyncAsync(string key)
        {
            int before = Watch.Count(SyncValue);
            for (int attempt = 0; Watch.Count(SyncValue) == before; attempt++)
            {
                Assert.True(attempt < 50, "the watch never printed the sync write");
                await RunAsync($"put {key} {SyncValue}");
                DateTime until = DateTime.UtcNow + TimeSpan.FromMilliseconds(400);
                while (Watch.Count(SyncValue) == before && DateTime.UtcNow < until)
                {
                    await Task.Delay(20);
                }
            }
            await RunAndSeeAsync($"put {key} {GoValue}", GoValue);
            Start = Watch.Lines.LastIndexOf(GoValue) + 1;
        }

        public async Task RunAsync(string command, string? stdin = null)
        {
            CommandResult r = await Etcdctl.RunAsync(member.ClientUrl, Shell.Split(command), stdin);
            Assert.True(r.ExitCode == 0, $"{command}: {r}");
        }

        /// <summary>Runs a write and waits until the watch has printed <paramref name="line"/> <paramref name="times"/> more times.</summary>
        public async Task RunAndSeeAsync(string command, string line, string? stdin = null, int times = 1)
        {
            int before = Watch.Count(line);
            await RunAsync(command, stdin);
            await Watch.WaitForAsync(lines => lines.Count(l => l == line) >= before + times, $"'{line}' after {command}");
        }

        public Task SeeAsync(string line, int times) =>
            Watch.WaitForAsync(lines => lines.Count(l => l == line) >= times, $"'{line}' x{times}");

        public Task WaitLinesAsync(int count) => Watch.WaitForAsync(lines => lines.Count >= count, $"{count} lines");

        public Task InputAsync(string line) => Watch.WriteLineAsync(line);

        public void Replace(string from, string to) => Replacements.Add((from, to));

        public async Task ExitAsync() => await Watch.WaitForExitAsync();

        public async Task<long> RevisionAsync()
        {
            CommandResult r = await Etcdctl.RunAsync(member.ClientUrl, ["get", "none", "-w", "json"]);
            using var json = JsonDocument.Parse(r.Stdout);
            return json.RootElement.GetProperty("header").GetProperty("revision").GetInt64();
        }
    }
}
