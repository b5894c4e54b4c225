using EtcdNet.TestKit;

namespace EtcdNet.E2E.Tests.Auth;

/// <summary>Auth state goes through raft: it survives a restart and every member of a cluster applies it.</summary>
public sealed class AuthDurabilityTests
{
    /// <summary>The cheapest bcrypt cost keeps password checks quick on a loaded test machine.</summary>
    private static readonly string[] CheapHashes = ["--bcrypt-cost", "4"];

    private static async Task<string> Ok(Task<CommandResult> command)
    {
        var result = await command;
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Stdout;
    }

    private static async Task<string> Fails(Task<CommandResult> command)
    {
        var result = await command;
        Assert.True(result.ExitCode != 0, result.ToString());
        return result.Stderr;
    }

    private static async Task EnableAsync(string endpoint)
    {
        await Ok(Etcdctl.RunAsync(endpoint, ["role", "add", "root"]));
        await Ok(Etcdctl.RunAsync(endpoint, ["user", "add", "root:pw", "--interactive=false"]));
        await Ok(Etcdctl.RunAsync(endpoint, ["user", "grant-role", "root", "root"]));
        await Ok(Etcdctl.RunAsync(endpoint, ["role", "add", "r"]));
        await Ok(Etcdctl.RunAsync(endpoint, ["role", "grant-permission", "r", "readwrite", "test", "test3"]));
        await Ok(Etcdctl.RunAsync(endpoint, ["user", "add", "u:upw", "--interactive=false"]));
        await Ok(Etcdctl.RunAsync(endpoint, ["user", "grant-role", "u", "r"]));
        await Ok(Etcdctl.RunAsync(endpoint, ["auth", "enable"]));
    }

    [Fact]
    public async Task Restart_KeepsUsersRolesPermissionsAndEnabledFlag()
    {
        await using var member = await Member.StartAsync(ServerKind.EtcdNet, "m1", null, CheapHashes);
        await EnableAsync(member.ClientUrl);
        await Ok(Etcdctl.RunAsync(member.ClientUrl, ["--user", "u:upw", "put", "test1", "before"]));

        await member.RestartAsync();

        Assert.Contains("etcdserver: user name is empty", await Fails(Etcdctl.RunAsync(member.ClientUrl, ["get", "test1"])), StringComparison.Ordinal);
        Assert.Contains("before", await Ok(Etcdctl.RunAsync(member.ClientUrl, ["--user", "u:upw", "get", "test1"])), StringComparison.Ordinal);
        Assert.Contains("etcdserver: permission denied",
            await Fails(Etcdctl.RunAsync(member.ClientUrl, ["--user", "u:upw", "put", "test4", "x"])), StringComparison.Ordinal);
        Assert.Contains("etcdserver: authentication failed, invalid user ID or password",
            await Fails(Etcdctl.RunAsync(member.ClientUrl, ["--user", "u:wrong", "get", "test1"])), StringComparison.Ordinal);
        Assert.Contains("[test, test3)", await Ok(Etcdctl.RunAsync(member.ClientUrl, ["--user", "root:pw", "role", "get", "r"])), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThreeMembers_UserAddedOnOne_AuthenticatesOnEveryOther()
    {
        await using var cluster = await TestCluster.StartAsync(ServerKind.EtcdNet, 3, CheapHashes);
        var m = cluster.Members;
        await EnableAsync(m[0].ClientUrl);
        await Ok(Etcdctl.RunAsync(m[1].ClientUrl, ["--user", "root:pw", "user", "add", "late:lpw", "--interactive=false"]));
        await Ok(Etcdctl.RunAsync(m[1].ClientUrl, ["--user", "root:pw", "user", "grant-role", "late", "r"]));

        foreach (var member in m)
        {
            await Ok(Etcdctl.RunAsync(member.ClientUrl, ["--user", "u:upw", "put", "test1", member.Name]));
            Assert.Contains(member.Name, await Ok(Etcdctl.RunAsync(member.ClientUrl, ["--user", "late:lpw", "get", "test1"])), StringComparison.Ordinal);
            Assert.Contains("etcdserver: user name is empty", await Fails(Etcdctl.RunAsync(member.ClientUrl, ["get", "test1"])), StringComparison.Ordinal);
        }

        // A password changed through one member is the only one accepted on the others.
        await Ok(Etcdctl.RunAsync(m[2].ClientUrl, ["--user", "root:pw", "user", "passwd", "late", "--interactive=false"], "newpw\n"));
        await Ok(Etcdctl.RunAsync(m[0].ClientUrl, ["--user", "late:newpw", "get", "test1"]));
        Assert.Contains("etcdserver: authentication failed, invalid user ID or password",
            await Fails(Etcdctl.RunAsync(m[1].ClientUrl, ["--user", "late:lpw", "get", "test1"])), StringComparison.Ordinal);
    }
}
