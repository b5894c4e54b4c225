namespace EtcdNet.E2E.Tests.Kv;

/// <summary>etcdctl put/get in every form, against etcdnet and real etcd 3.4, outputs compared.</summary>
public sealed class GetDifferentialTests : IAsyncLifetime
{
    private MemberPair _pair = null!;

    public async Task InitializeAsync()
    {
        _pair = await MemberPair.StartAsync();
        foreach (var (k, v) in new[] { ("foo", "bar"), ("foo2", "baz"), ("foo3", "qux"), ("zoo", "z"), ("foo", "bar2"), ("a", "1") })
        {
            await _pair.SameAsync(["put", k, v]);
        }
    }

    public async Task DisposeAsync() => await _pair.DisposeAsync();

    [Theory]
    [InlineData("get foo")]
    [InlineData("get foo -w json")]
    [InlineData("get missing")]
    [InlineData("get missing -w json")]
    [InlineData("get --prefix foo")]
    [InlineData("get --prefix foo -w json")]
    [InlineData("get foo zoo")]
    [InlineData("get --from-key foo2")]
    [InlineData("get --from-key a --keys-only")]
    [InlineData("get foo --rev 2")]
    [InlineData("get foo --rev 1")]
    [InlineData("get --prefix foo --rev 3 -w json")]
    [InlineData("get --prefix foo --sort-by=MODIFY --order=DESCEND")]
    [InlineData("get --prefix foo --sort-by=CREATE --order=ASCEND")]
    [InlineData("get --prefix foo --sort-by=VERSION --order=DESCEND")]
    [InlineData("get --prefix foo --sort-by=VALUE --order=DESCEND")]
    [InlineData("get --prefix foo --sort-by=KEY --order=DESCEND")]
    [InlineData("get --prefix foo --order=DESCEND")]
    [InlineData("get --prefix foo --limit 2")]
    [InlineData("get --prefix foo --limit 2 -w json")]
    [InlineData("get --prefix foo --limit 1 --sort-by=MODIFY --order=DESCEND -w json")]
    [InlineData("get --prefix foo --keys-only")]
    [InlineData("get --prefix foo --count-only -w json")]
    [InlineData("get --prefix foo --print-value-only")]
    [InlineData("get --from-key a --consistency=s")]
    [InlineData("get foo --consistency=l -w json")]
    [InlineData("get --rev 1000 foo")]
    [InlineData("get ''")]
    public Task Get_MatchesEtcd(string command) => _pair.SameAsync(Shell.Split(command));
}
