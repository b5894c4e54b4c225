using EtcdNet.TestKit;

namespace EtcdNet.E2E.Tests.Auth;

/// <summary>
/// etcd's authentication docs, run with the real etcdctl against etcdnet and real etcd 3.4 side by side: every
/// command's exit code, output and error line must match.
/// </summary>
public sealed class AuthDifferentialTests : IAsyncLifetime
{
    private MemberPair _pair = null!;

    public async Task InitializeAsync() => _pair = await MemberPair.StartAsync();

    public async Task DisposeAsync() => await _pair.DisposeAsync();

    /// <summary>root with the root role, role r writing [test, test3), user u holding r.</summary>
    private async Task SetUpDocsUsersAsync()
    {
        await _pair.SameAsync(["role", "add", "root"]);
        await _pair.SameAsync(["user", "add", "root:pw", "--interactive=false"]);
        await _pair.SameAsync(["user", "grant-role", "root", "root"]);
        await _pair.SameAsync(["role", "add", "r"]);
        await _pair.SameAsync(["role", "grant-permission", "r", "write", "test", "test3"]);
        await _pair.SameAsync(["user", "add", "u:upw", "--interactive=false"]);
        await _pair.SameAsync(["user", "grant-role", "u", "r"]);
    }

    [Fact]
    public async Task DocsFlow_EnablePermitDenyDisable_MatchesEtcd()
    {
        await SetUpDocsUsersAsync();
        await _pair.SameAsync(["auth", "enable"]);

        await _pair.SameAsync(["--user", "u:upw", "put", "test1", "v"]);
        // The else branch writes test4, outside [test, test3): the whole txn is refused.
        var txn = await _pair.SameAsync(["--user", "u:upw", "txn", "--interactive=false"], "value(\"test1\") = \"v\"\n\nput test2 y\n\nput test4 x\n\n");
        Assert.Contains("etcdserver: permission denied", txn.Stderr, StringComparison.Ordinal);
        await _pair.SameAsync(["--user", "u:upw", "get", "test1"]);
        await _pair.SameAsync(["get", "test1"]);

        var role = await _pair.SameAsync(["--user", "root:pw", "role", "get", "r"]);
        Assert.Contains("[test, test3)", role.Stdout, StringComparison.Ordinal);
        var wrong = await _pair.SameAsync(["--user", "root:bad", "get", "test1"]);
        Assert.Contains("etcdserver: authentication failed, invalid user ID or password", wrong.Stderr, StringComparison.Ordinal);

        await _pair.SameAsync(["--user", "root:pw", "get", "test", "test3"]);
        await _pair.SameAsync(["--user", "root:pw", "user", "list"]);
        await _pair.SameAsync(["--user", "root:pw", "user", "get", "u"]);
        await _pair.SameAsync(["--user", "u:upw", "user", "get", "u"]);
        await _pair.SameAsync(["--user", "u:upw", "role", "get", "r"]);
        await _pair.SameAsync(["--user", "u:upw", "user", "list"]);
        await _pair.SameAsync(["--user", "root:pw", "auth", "disable"]);
        await _pair.SameAsync(["get", "test1"]);
    }

    [Fact]
    public async Task BadInput_GetsEtcdsErrors_AndChangesNothing()
    {
        await _pair.SameAsync(["auth", "enable"]);
        await _pair.SameAsync(["role", "add", "root"]);
        await _pair.SameAsync(["user", "add", "root:pw", "--interactive=false"]);
        // Without the root role on root, auth stays off.
        await _pair.SameAsync(["auth", "enable"]);
        await SetUpDocsUsersAsync2();

        await _pair.SameAsync(["user", "add", ":pw", "--interactive=false"]);
        await _pair.SameAsync(["role", "add", ""]);
        await _pair.SameAsync(["user", "add", "u:other", "--interactive=false"]);
        await _pair.SameAsync(["role", "add", "r"]);
        await _pair.SameAsync(["user", "get", "nobody"]);
        await _pair.SameAsync(["role", "get", "nothing"]);
        await _pair.SameAsync(["user", "delete", "nobody"]);
        await _pair.SameAsync(["role", "delete", "nothing"]);
        await _pair.SameAsync(["user", "grant-role", "nobody", "r"]);
        await _pair.SameAsync(["user", "grant-role", "u", "nothing"]);
        await _pair.SameAsync(["user", "revoke-role", "u", "root"]);
        await _pair.SameAsync(["role", "revoke-permission", "r", "elsewhere"]);
        await _pair.SameAsync(["user", "passwd", "nobody", "--interactive=false"], "pw\n");

        await _pair.SameAsync(["auth", "enable"]);
        await _pair.SameAsync(["--user", "root:pw", "user", "delete", "root"]);
        await _pair.SameAsync(["--user", "root:pw", "user", "revoke-role", "root", "root"]);
        await _pair.SameAsync(["--user", "root:pw", "role", "delete", "root"]);
        await _pair.SameAsync(["--user", "u:upw", "user", "add", "v:pw", "--interactive=false"]);
        await _pair.SameAsync(["--user", "u:upw", "role", "delete", "r"]);

        // Nothing changed.
        await _pair.SameAsync(["--user", "root:pw", "user", "list"]);
        await _pair.SameAsync(["--user", "root:pw", "role", "list"]);
        await _pair.SameAsync(["--user", "root:pw", "user", "get", "root"]);
        await _pair.SameAsync(["--user", "root:pw", "user", "get", "u"]);
        await _pair.SameAsync(["--user", "root:pw", "role", "get", "r"]);
        await _pair.SameAsync(["--user", "u:upw", "put", "test1", "still"]);
    }

    /// <summary>The rest of the docs set-up once root exists (grant root, role r, user u).</summary>
    private async Task SetUpDocsUsersAsync2()
    {
        await _pair.SameAsync(["user", "grant-role", "root", "root"]);
        await _pair.SameAsync(["role", "add", "r"]);
        await _pair.SameAsync(["role", "grant-permission", "r", "readwrite", "test", "test3"]);
        await _pair.SameAsync(["user", "add", "u:upw", "--interactive=false"]);
        await _pair.SameAsync(["user", "grant-role", "u", "r"]);
    }

    [Fact]
    public async Task PrefixAndFromKeyPermissions_ReadWrite_MatchEtcd()
    {
        await SetUpDocsUsersAsync();
        await _pair.SameAsync(["role", "add", "p"]);
        await _pair.SameAsync(["role", "grant-permission", "p", "read", "dir/", "--prefix=true"]);
        await _pair.SameAsync(["role", "grant-permission", "p", "readwrite", "z", "--from-key"]);
        await _pair.SameAsync(["user", "add", "w:wpw", "--interactive=false"]);
        await _pair.SameAsync(["user", "grant-role", "w", "p"]);
        await _pair.SameAsync(["put", "dir/a", "1"]);
        await _pair.SameAsync(["auth", "enable"]);

        await _pair.SameAsync(["--user", "w:wpw", "get", "dir/", "--prefix"]);
        await _pair.SameAsync(["--user", "w:wpw", "get", "dir/a"]);
        await _pair.SameAsync(["--user", "w:wpw", "put", "dir/a", "2"]);
        await _pair.SameAsync(["--user", "w:wpw", "put", "zz", "2"]);
        await _pair.SameAsync(["--user", "w:wpw", "get", "z", "--from-key"]);
        await _pair.SameAsync(["--user", "w:wpw", "get", "", "--from-key"]);
        await _pair.SameAsync(["--user", "w:wpw", "del", "zz"]);
        await _pair.SameAsync(["--user", "w:wpw", "del", "dir/a"]);
        await _pair.SameAsync(["--user", "root:pw", "role", "get", "p"]);
        await _pair.SameAsync(["--user", "root:pw", "role", "revoke-permission", "p", "z", "--from-key"]);
        await _pair.SameAsync(["--user", "w:wpw", "put", "zz", "3"]);
    }
}
