using System.Security.Cryptography;
using System.Text;
using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Grpc;
using EtcdNet.Server.Tests.Hosting;
using EtcdNet.TestKit;
using static EtcdNet.Server.Tests.Auth.AuthMember;

namespace EtcdNet.Server.Tests.Auth;

/// <summary>Auth across restarts, its flags (--auth-token, --bcrypt-cost) and JWT tokens end to end.</summary>
public sealed class AuthStartupTests
{
    [Fact]
    public async Task Restart_AuthStateIsKept_AndNoPasswordReachedTheDisk()
    {
        using var dir = new TempDir();
        var auth = await AuthMember.StartAsync(dir);
        await auth.CallAsync<PutRequest, PutResponse>("/etcdserverpb.KV/Put", new() { Key = B("a"), Value = B("v") }, auth.UserToken);
        await auth.Member.StopAsync();

        // Passwords are hashed on the member that received them: neither the WAL nor the backend holds one.
        foreach (var file in Directory.EnumerateFiles(Path.Combine(dir.Path, "member"), "*", SearchOption.AllDirectories))
        {
            var bytes = await File.ReadAllBytesAsync(file);
            foreach (var password in new[] { RootPassword, UserPassword, NoRolePassword })
            {
                Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(password)) < 0, $"{password} found in {file}");
            }
        }

        await using var restarted = await InProcessMember.StartAsync(o => o with { BcryptCost = 4 }, dir);
        var server = restarted.Host.Server;
        Assert.True(server.AuthStore.IsEnabled);
        var token = (await Call<AuthenticateRequest, AuthenticateResponse>(restarted, "/etcdserverpb.Auth/Authenticate",
            new() { Name = "u", Password = UserPassword }, null)).Token;
        var range = await Call<RangeRequest, RangeResponse>(restarted, "/etcdserverpb.KV/Range", new() { Key = B("a") }, token);
        Assert.Equal("v", Assert.Single(range.Kvs).Value.ToStringUtf8());
        var anonymous = await Assert.ThrowsAsync<RpcException>(() => Call<RangeRequest, RangeResponse>(restarted, "/etcdserverpb.KV/Range", new() { Key = B("a") }, null));
        Assert.Equal("etcdserver: user name is empty", anonymous.Detail);
    }

    [Fact]
    public async Task BadAuthTokenOption_FailsStart_WithEtcdsMessage()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => InProcessMember.StartAsync(o => o with { AuthToken = "bogus" }));
        Assert.Equal("auth: invalid auth options", e.Message);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(32)]
    public async Task BcryptCostOutOfRange_FallsBackToDefault_AsEtcd(int cost)
    {
        await using var member = await InProcessMember.StartAsync(o => o with { BcryptCost = cost });
        Assert.Equal(10, member.Host.Server.AuthStore.BcryptCost);
    }

    [Theory]
    [InlineData("RS256")]
    [InlineData("ES256")]
    public async Task JwtTokens_WorkUntilAuthStateChanges_ThenAreOld(string method)
    {
        using var keys = new TempDir();
        var (publicPem, privatePem) = method.StartsWith("RS", StringComparison.Ordinal) ? RsaPems() : EcPems();
        var publicPath = Path.Combine(keys.Path, "pub.pem");
        var privatePath = Path.Combine(keys.Path, "priv.pem");
        await File.WriteAllTextAsync(publicPath, publicPem);
        await File.WriteAllTextAsync(privatePath, privatePem);

        await using var auth = await AuthMember.StartAsync(configure: o => o with { AuthToken = $"jwt,pub-key={publicPath},priv-key={privatePath},sign-method={method},ttl=5m" });
        Assert.Equal(3, auth.UserToken.Split('.').Length);
        await auth.CallAsync<PutRequest, PutResponse>("/etcdserverpb.KV/Put", new() { Key = B("a"), Value = B("1") }, auth.UserToken);

        // A JWT carries the auth revision it was issued at: once auth state moves on, writes with it are refused.
        await auth.Auth<AuthRoleAddRequest, AuthRoleAddResponse>("RoleAdd", new() { Name = "bump" }, await auth.TokenAsync("root", RootPassword));
        var e = await Assert.ThrowsAsync<RpcException>(() =>
            auth.CallAsync<PutRequest, PutResponse>("/etcdserverpb.KV/Put", new() { Key = B("a"), Value = B("2") }, auth.UserToken));
        Assert.Equal("etcdserver: revision of auth store is old", e.Detail);
        var fresh = await auth.TokenAsync("u", UserPassword);
        await auth.CallAsync<PutRequest, PutResponse>("/etcdserverpb.KV/Put", new() { Key = B("a"), Value = B("3") }, fresh);

        var forged = auth.UserToken[..^2] + (auth.UserToken[^2] == 'A' ? "B" : "A") + auth.UserToken[^1];
        var invalid = await Assert.ThrowsAsync<RpcException>(() =>
            auth.CallAsync<RangeRequest, RangeResponse>("/etcdserverpb.KV/Range", new() { Key = B("a") }, forged));
        Assert.Equal("etcdserver: invalid auth token", invalid.Detail);
    }

    private static (string Public, string Private) RsaPems()
    {
        using var rsa = RSA.Create(2048);
        return (rsa.ExportSubjectPublicKeyInfoPem(), rsa.ExportPkcs8PrivateKeyPem());
    }

    private static (string Public, string Private) EcPems()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return (ec.ExportSubjectPublicKeyInfoPem(), ec.ExportPkcs8PrivateKeyPem());
    }

    private static Task<TResp> Call<TReq, TResp>(InProcessMember member, string method, TReq request, string? token)
        where TReq : class, Google.Protobuf.IMessage<TReq>, new()
        where TResp : class, Google.Protobuf.IMessage<TResp>, new() =>
        member.Channel.UnaryAsync(method, request, EtcdNet.Server.Services.ProtoMarshaller.For<TReq>(), EtcdNet.Server.Services.ProtoMarshaller.For<TResp>(),
            Metadata(token), timeout: TimeSpan.FromSeconds(15));
}
