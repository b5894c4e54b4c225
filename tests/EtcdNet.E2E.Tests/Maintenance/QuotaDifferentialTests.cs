using System.Text.Json;
using System.Text.RegularExpressions;
using EtcdNet.TestKit;

namespace EtcdNet.E2E.Tests.Maintenance;

/// <summary>
/// A tiny --quota-backend-bytes filling up and recovering (compact, defrag, alarm disarm), on etcdnet and on real
/// etcd 3.4 side by side. bbolt and SQLite grow differently, so each server is filled until it refuses; what must
/// match is every answer the operator sees along the way.
/// </summary>
public sealed partial class QuotaDifferentialTests : IAsyncLifetime
{
    private const string Quota = "300000";
    private static readonly string Value = new('v', 5000);

    private Member _etcdNet = null!;
    private Member _etcd = null!;

    public async Task InitializeAsync()
    {
        _etcdNet = await Member.StartAsync(ServerKind.EtcdNet, "m1", null, "--quota-backend-bytes", Quota);
        _etcd = await Member.StartAsync(ServerKind.Etcd, "m1", null, "--quota-backend-bytes", Quota);
    }

    public async Task DisposeAsync()
    {
        await _etcdNet.DisposeAsync();
        await _etcd.DisposeAsync();
    }

    [Fact]
    public async Task Quota_FillAlarmRecover_SameAnswersAsEtcd()
    {
        var etcd = new Side(_etcd);
        var etcdNet = new Side(_etcdNet);
        await Task.WhenAll(etcd.ReadIdAsync(), etcdNet.ReadIdAsync());

        // Fill: overwrite one key until the quota refuses, then once more (the first refusal may be the apply-time
        // one, which raises no alarm; the second is refused before proposing and raises NOSPACE).
        await Task.WhenAll(etcd.FillAsync(), etcdNet.FillAsync());
        await SameAsync(etcd, etcdNet, ["put", "k", Value]);
        await SameAsync(etcd, etcdNet, ["put", "small", "x"]);
        await SameAsync(etcd, etcdNet, ["lease", "grant", "60"]);

        var list = await SameAsync(etcd, etcdNet, ["alarm", "list"]);
        Assert.Equal("memberID:<id> alarm:NOSPACE \n", list);
        await SameAsync(etcd, etcdNet, ["alarm", "list", "-w", "json"]);
        var errors = await Task.WhenAll(etcd.StatusErrorsAsync(), etcdNet.StatusErrorsAsync());
        Assert.Equal(["memberID:<id> alarm:NOSPACE "], errors[0]);
        Assert.Equal(errors[0], errors[1]);

        // Reads and deletes still work.
        await SameAsync(etcd, etcdNet, ["get", "small"]);
        await SameAsync(etcd, etcdNet, ["del", "nothing"]);

        // Recovery as etcd's docs: compact, defragment, disarm.
        var compacted = await Task.WhenAll(etcd.CompactAllAsync(), etcdNet.CompactAllAsync());
        Assert.All(compacted, c => Assert.Matches("^compacted revision \\d+\n$", c));
        await SameAsync(etcd, etcdNet, ["defrag"]);
        Assert.Equal("memberID:<id> alarm:NOSPACE \n", await SameAsync(etcd, etcdNet, ["alarm", "disarm"]));
        Assert.Equal("", await SameAsync(etcd, etcdNet, ["alarm", "list"]));
        Assert.Equal("OK\n", await SameAsync(etcd, etcdNet, ["put", "k", "small-again"]));
    }

    /// <summary>Runs a command on both; asserts the exit code, the normalised stdout and the error lines match.</summary>
    private static async Task<string> SameAsync(Side etcd, Side etcdNet, string[] args)
    {
        var results = await Task.WhenAll(etcd.RunAsync(args), etcdNet.RunAsync(args));
        var (expected, actual) = (results[0], results[1]);
        string command = "etcdctl " + string.Join(' ', args.Select(a => a.Length > 20 ? a[..20] + "..." : a));
        Assert.True(expected.ExitCode == actual.ExitCode, $"{command}: exit etcd={expected.ExitCode} etcdnet={actual.ExitCode}\n{expected}\n{actual}");
        Assert.Equal(etcd.Normalize(expected.Stdout), etcdNet.Normalize(actual.Stdout));
        Assert.Equal(ErrorLines(expected.Stderr), ErrorLines(actual.Stderr));
        return etcdNet.Normalize(actual.Stdout);
    }

    private static string ErrorLines(string stderr) =>
        string.Join('\n', stderr.Split('\n').Where(l => l.StartsWith("Error:", StringComparison.Ordinal)));

    private sealed partial class Side(Member member)
    {
        private ulong _id;

        public Task<CommandResult> RunAsync(string[] args) => Etcdctl.RunAsync(member.ClientUrl, args);

        public async Task ReadIdAsync()
        {
            var status = await RunAsync(["endpoint", "status", "-w", "json"]);
            _id = JsonDocument.Parse(status.Stdout).RootElement[0].GetProperty("Status").GetProperty("header").GetProperty("member_id").GetUInt64();
        }

        public async Task FillAsync()
        {
            for (int i = 0; i < 2000; i++)
            {
                var put = await RunAsync(["put", "k", Value]);
                if (put.ExitCode != 0)
                {
                    Assert.Contains("Error: etcdserver: mvcc: database space exceeded", put.Stderr, StringComparison.Ordinal);
                    return;
                }
            }
            Assert.Fail($"{member.Kind} never refused a put");
        }

        public async Task<string[]> StatusErrorsAsync()
        {
            var status = await RunAsync(["endpoint", "status", "-w", "json"]);
            var s = JsonDocument.Parse(status.Stdout).RootElement[0].GetProperty("Status");
            return s.TryGetProperty("errors", out var errors) ? errors.EnumerateArray().Select(e => Normalize(e.GetString()!)).ToArray() : [];
        }

        /// <summary>Compacts at the current revision (which differs per server), answering etcdctl's output.</summary>
        public async Task<string> CompactAllAsync()
        {
            var get = await RunAsync(["get", "k", "-w", "json"]);
            long revision = JsonDocument.Parse(get.Stdout).RootElement.GetProperty("header").GetProperty("revision").GetInt64();
            var compact = await RunAsync(["compact", revision.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            Assert.True(compact.ExitCode == 0, compact.ToString());
            return compact.Stdout;
        }

        public string Normalize(string text)
        {
            text = text.Replace(member.ClientUrl, "<client-url>", StringComparison.Ordinal)
                .Replace(_id.ToString(System.Globalization.CultureInfo.InvariantCulture), "<id>", StringComparison.Ordinal)
                .Replace(_id.ToString("x", System.Globalization.CultureInfo.InvariantCulture), "<id>", StringComparison.Ordinal);
            text = Header().Replace(text, "\"header\":{<header>}");
            return LeaseId().Replace(text, "lease <lease-id> granted");
        }

        [GeneratedRegex("\"header\":\\{[^}]*\\}")]
        private static partial Regex Header();

        [GeneratedRegex("lease [0-9a-f]+ granted")]
        private static partial Regex LeaseId();
    }
}
