using System.Text.Json;
using System.Text.RegularExpressions;
using EtcdNet.TestKit;

namespace EtcdNet.E2E.Tests;

/// <summary>
/// A fresh etcdnet member beside a fresh real etcd 3.4 member, driven with the same etcdctl commands. Outputs are
/// compared after normalising what legitimately differs: ids, URLs, raft terms, timings and the client's own warnings.
/// </summary>
public sealed partial class MemberPair : IAsyncDisposable
{
    private MemberPair(Member etcdNet, Member etcd, Identity etcdNetIds, Identity etcdIds)
    {
        EtcdNet = etcdNet;
        Etcd = etcd;
        _etcdNetIds = etcdNetIds;
        _etcdIds = etcdIds;
    }

    private readonly Identity _etcdNetIds;
    private readonly Identity _etcdIds;

    public Member EtcdNet { get; }
    public Member Etcd { get; }

    public static async Task<MemberPair> StartAsync()
    {
        var etcdNet = await Member.StartAsync(ServerKind.EtcdNet).ConfigureAwait(false);
        try
        {
            var etcd = await Member.StartAsync(ServerKind.Etcd).ConfigureAwait(false);
            return new MemberPair(etcdNet, etcd, await Identity.ReadAsync(etcdNet).ConfigureAwait(false), await Identity.ReadAsync(etcd).ConfigureAwait(false));
        }
        catch
        {
            await etcdNet.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private readonly Dictionary<string, (string Etcd, string EtcdNet)> _vars = [];

    /// <summary>
    /// Names a value that differs per server (a server-chosen lease id): <c>{name}</c> in later commands becomes each
    /// server's own value, and each server's value in outputs reads back as <c>{name}</c>.
    /// </summary>
    public void Capture(string name, string etcdValue, string etcdNetValue) => _vars[name] = (etcdValue, etcdNetValue);

    public string Value(string name, bool etcd) => etcd ? _vars[name].Etcd : _vars[name].EtcdNet;

    /// <summary>Runs the command on both; asserts the normalised exit code, stdout and error lines match.</summary>
    public async Task<CommandResult> SameAsync(string[] args, string? stdin = null)
    {
        var expected = await Etcdctl.RunAsync(Etcd.ClientUrl, Substitute(args, etcd: true), stdin).ConfigureAwait(false);
        var actual = await Etcdctl.RunAsync(EtcdNet.ClientUrl, Substitute(args, etcd: false), stdin).ConfigureAwait(false);
        var command = "etcdctl " + string.Join(' ', args);
        Assert.True(expected.ExitCode == actual.ExitCode,
            $"{command}: exit code etcd={expected.ExitCode} etcdnet={actual.ExitCode}\netcd: {expected}\netcdnet: {actual}");
        Assert.Equal(Normalize(expected.Stdout, Etcd, _etcdIds, etcd: true), Normalize(actual.Stdout, EtcdNet, _etcdNetIds, etcd: false));
        Assert.Equal(Normalize(ErrorLines(expected.Stderr), Etcd, _etcdIds, etcd: true), Normalize(ErrorLines(actual.Stderr), EtcdNet, _etcdNetIds, etcd: false));
        return actual;
    }

    /// <summary>Both servers' results of one command, for values to capture.</summary>
    public async Task<(CommandResult Etcd, CommandResult EtcdNet)> BothAsync(string[] args) =>
        (await Etcdctl.RunAsync(Etcd.ClientUrl, Substitute(args, etcd: true)).ConfigureAwait(false),
         await Etcdctl.RunAsync(EtcdNet.ClientUrl, Substitute(args, etcd: false)).ConfigureAwait(false));

    private string[] Substitute(string[] args, bool etcd) =>
        args.Select(a => _vars.Aggregate(a, (text, v) => text.Replace("{" + v.Key + "}", etcd ? v.Value.Etcd : v.Value.EtcdNet, StringComparison.Ordinal))).ToArray();

    /// <summary>etcdctl's "Error: ..." lines; its retry warnings carry random client ids and are left out.</summary>
    private static string ErrorLines(string stderr) =>
        string.Join('\n', stderr.Split('\n').Where(l => l.StartsWith("Error:", StringComparison.Ordinal)));

    private string Normalize(string text, Member member, Identity ids, bool etcd)
    {
        foreach (var (name, (etcdValue, etcdNetValue)) in _vars)
        {
            var value = etcd ? etcdValue : etcdNetValue;
            text = text.Replace(value, "{" + name + "}", StringComparison.Ordinal);
            if (ulong.TryParse(value, System.Globalization.NumberStyles.HexNumber, null, out var number))
            {
                text = text.Replace(number.ToString(System.Globalization.CultureInfo.InvariantCulture), "{" + name + "}", StringComparison.Ordinal);
            }
        }
        text = text.Replace(member.ClientUrl, "<client-url>", StringComparison.Ordinal)
            .Replace(member.PeerUrl, "<peer-url>", StringComparison.Ordinal)
            .Replace(ids.MemberId.ToString(), "<member-id>", StringComparison.Ordinal)
            .Replace(ids.MemberId.ToString("x"), "<member-id>", StringComparison.Ordinal)
            .Replace(ids.ClusterId.ToString(), "<cluster-id>", StringComparison.Ordinal)
            .Replace(ids.ClusterId.ToString("x"), "<cluster-id>", StringComparison.Ordinal);
        text = RaftTerm().Replace(text, "\"raft_term\":<term>");
        text = Remaining().Replace(text, "remaining(<s>)");
        // Table columns are as wide as their longest value (an id may print with 15 or 16 hex digits).
        text = TableRule().Replace(text, "--");
        text = TablePadding().Replace(text, " ");
        text = Ttl().Replace(text, "\"ttl\":<s>");
        return Took().Replace(text, "took = <t>");
    }

    // A lease's remaining seconds depend on when each server was asked.
    [GeneratedRegex("remaining\\(\\d+s\\)")]
    private static partial Regex Remaining();

    [GeneratedRegex("-{2,}")]
    private static partial Regex TableRule();

    [GeneratedRegex(" {2,}")]
    private static partial Regex TablePadding();

    [GeneratedRegex("\"ttl\":\\d+")]
    private static partial Regex Ttl();

    [GeneratedRegex("\"raft_term\":\\d+")]
    private static partial Regex RaftTerm();

    [GeneratedRegex("took = \\S+")]
    private static partial Regex Took();

    public async ValueTask DisposeAsync()
    {
        await EtcdNet.DisposeAsync().ConfigureAwait(false);
        await Etcd.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>A member's ids, from the header of its member list.</summary>
    private sealed record Identity(ulong MemberId, ulong ClusterId)
    {
        public static async Task<Identity> ReadAsync(Member member)
        {
            var list = await Etcdctl.RunAsync(member.ClientUrl, ["member", "list", "-w", "json"]).ConfigureAwait(false);
            Assert.True(list.ExitCode == 0, list.ToString());
            using var json = JsonDocument.Parse(list.Stdout);
            var header = json.RootElement.GetProperty("header");
            return new Identity(header.GetProperty("member_id").GetUInt64(), header.GetProperty("cluster_id").GetUInt64());
        }
    }
}
