using EtcdNet.TestKit;

namespace EtcdNet.E2E.Tests.Maintenance;

/// <summary>
/// `etcdctl endpoint status -w table` on etcdnet and etcd 3.4: the same columns, and the same answers where the
/// servers must agree (leader, learner, errors, applied = committed); version, sizes and indexes legitimately differ.
/// </summary>
public sealed class EndpointStatusTests
{
    [Fact]
    public async Task EndpointStatusTable_NormalisedRowsMatchEtcd()
    {
        await using var pair = await MemberPair.StartAsync();
        await pair.SameAsync(["put", "a", "1"]);

        var (etcd, etcdNet) = await pair.BothAsync(["endpoint", "status", "-w", "table"]);

        Assert.True(etcd.ExitCode == 0, etcd.ToString());
        Assert.True(etcdNet.ExitCode == 0, etcdNet.ToString());
        var expected = Parse(etcd.Stdout);
        var actual = Parse(etcdNet.Stdout);
        Assert.Equal(expected.Header, actual.Header);
        Assert.Equal(
            ["ENDPOINT", "ID", "VERSION", "DB SIZE", "IS LEADER", "IS LEARNER", "RAFT TERM", "RAFT INDEX", "RAFT APPLIED INDEX", "ERRORS"],
            actual.Header);
        Assert.Equal(pair.EtcdNet.ClientUrl, actual.Row[0]);
        Assert.Equal("3.5.0", actual.Row[2]);
        Assert.Matches(@"^\d+(\.\d)? [kMG]?B$", actual.Row[3]);
        foreach (var column in new[] { "IS LEADER", "IS LEARNER", "RAFT TERM", "ERRORS" })
        {
            var i = Array.IndexOf(actual.Header, column);
            Assert.Equal(expected.Row[i], actual.Row[i]);
        }
        Assert.Equal(actual.Row[7], actual.Row[8]);
    }

    /// <summary>Header and the one row of a tablewriter table, cells trimmed.</summary>
    private static (string[] Header, string[] Row) Parse(string table)
    {
        var rows = table.Split('\n')
            .Where(l => l.StartsWith('|'))
            .Select(l => l.Trim('|').Split('|').Select(c => c.Trim()).ToArray())
            .ToList();
        Assert.Equal(2, rows.Count);
        return (rows[0], rows[1]);
    }
}
