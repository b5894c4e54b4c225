namespace EtcdNet.E2E.Tests.Kv;

/// <summary>Deletes, transactions and compaction: each scenario runs the same steps on etcdnet and on etcd 3.4.</summary>
public sealed class WriteDifferentialTests : IAsyncLifetime
{
    private MemberPair _pair = null!;

    public async Task InitializeAsync() => _pair = await MemberPair.StartAsync();

    public async Task DisposeAsync() => await _pair.DisposeAsync();

    private async Task Run(params string[] commands)
    {
        foreach (var command in commands) await _pair.SameAsync(Shell.Split(command));
    }

    [Fact]
    public Task Delete_SinglePrefixPrevKvAndMissing_MatchEtcd() => Run(
        "put a 1", "put b 2", "put b2 3", "put b3 4", "put c 5",
        "del a", "get a -w json",
        "del missing", "del missing -w json",
        "del --prev-kv b2", "del --prefix b -w json",
        "put b 6", "del --prefix --prev-kv b",
        "get --from-key a -w json",
        "del --from-key a", "get --from-key a -w json",
        "put '' x", "del ''");

    [Fact]
    public async Task Txn_BothBranchesAndErrors_MatchEtcd()
    {
        await Run("put foo bar", "put counter 1");
        const string success = "value(\"foo\") = \"bar\"\n\nput ok yes\nget foo\ndel counter\n\nput failed yes\n\n";
        const string failure = "value(\"foo\") = \"nope\"\nversion(\"missing\") > \"0\"\n\nput ok again\n\nput failed yes\nget --prefix f\n\n";
        await _pair.SameAsync(["txn"], success);
        await _pair.SameAsync(["txn", "-w", "json"], failure);
        await _pair.SameAsync(["txn", "-w", "json"], "mod(\"ok\") > \"1\"\ncreate(\"ok\") < \"100\"\n\nput x 1\n\nput y 2\n\n");
        await _pair.SameAsync(["txn"], "\nput dup 1\nput dup 2\n\n\n");
        await _pair.SameAsync(["txn"], "\nput k 1\ndel k\n\n\n");
        await Run("get --from-key a -w json");
    }

    [Fact]
    public Task Compact_ThenReadCompactedAndFutureRevisions_MatchEtcd() => Run(
        "put k v1", "put k v2", "put k v3", "put other o", "del other",
        "get k --rev 2",
        "compact 3",
        "get k --rev 2", "get k --rev 3", "get k --rev 4 -w json",
        "get other --rev 5 -w json",
        "compact 2", "compact 100",
        "compact 6 --physical",
        "get k --rev 5", "get k -w json",
        "get k --rev 7");

    [Fact]
    public Task PutOptions_PrevKvIgnoreValueAndLeaseErrors_MatchEtcd() => Run(
        "put k v1", "put --prev-kv k v2", "put --prev-kv k v3 -w json",
        "put --ignore-value k", "get k -w json",
        "put --ignore-value missing",
        "put --ignore-lease k v4",
        "put --lease=1234 k v5",
        "get k -w json");
}
