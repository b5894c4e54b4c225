using EtcdNet.Api.Authpb;
using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Grpc;
using EtcdNet.Server.Services;
using EtcdNet.Server.Tests.Hosting;
using EtcdNet.TestKit;
using Google.Protobuf;

namespace EtcdNet.Server.Tests.Auth;

/// <summary>
/// An in-process member with auth enabled the way etcd's docs set it up: user root (role root), role r with
/// read-write on [a, c), user u granted r, user n with no role. Tokens for root, u and n are taken at start.
/// </summary>
internal sealed class AuthMember : IAsyncDisposable
{
    public const string RootPassword = "rootpw";
    public const string UserPassword = "upw";
    public const string NoRolePassword = "npw";

    private AuthMember(InProcessMember member) => Member = member;

    public InProcessMember Member { get; }
    public EtcdServer Server => Member.Host.Server;
    public string RootToken { get; private set; } = "";
    public string UserToken { get; private set; } = "";
    public string NoRoleToken { get; private set; } = "";

    public static ByteString B(string s) => ByteString.CopyFromUtf8(s);

    public static async Task<AuthMember> StartAsync(TempDir? dir = null, Func<ServerOptions, ServerOptions>? configure = null)
    {
        var member = await InProcessMember.StartAsync(o => (configure?.Invoke(o) ?? o) with { BcryptCost = 4 }, dir);
        var auth = new AuthMember(member);
        try
        {
            await auth.SetUpAsync();
            return auth;
        }
        catch
        {
            await member.DisposeAsync();
            throw;
        }
    }

    private async Task SetUpAsync()
    {
        await Auth<AuthRoleAddRequest, AuthRoleAddResponse>("RoleAdd", new() { Name = "root" });
        await Auth<AuthUserAddRequest, AuthUserAddResponse>("UserAdd", new() { Name = "root", Password = RootPassword });
        await Auth<AuthUserGrantRoleRequest, AuthUserGrantRoleResponse>("UserGrantRole", new() { User = "root", Role = "root" });
        await Auth<AuthRoleAddRequest, AuthRoleAddResponse>("RoleAdd", new() { Name = "r" });
        await Auth<AuthRoleGrantPermissionRequest, AuthRoleGrantPermissionResponse>("RoleGrantPermission", new()
        {
            Name = "r",
            Perm = new Permission { PermType = Permission.Types.Type.Readwrite, Key = B("a"), RangeEnd = B("c") },
        });
        await Auth<AuthUserAddRequest, AuthUserAddResponse>("UserAdd", new() { Name = "u", Password = UserPassword });
        await Auth<AuthUserGrantRoleRequest, AuthUserGrantRoleResponse>("UserGrantRole", new() { User = "u", Role = "r" });
        await Auth<AuthUserAddRequest, AuthUserAddResponse>("UserAdd", new() { Name = "n", Password = NoRolePassword });
        await Auth<AuthEnableRequest, AuthEnableResponse>("AuthEnable", new());
        RootToken = await TokenAsync("root", RootPassword);
        UserToken = await TokenAsync("u", UserPassword);
        NoRoleToken = await TokenAsync("n", NoRolePassword);
    }

    public async Task<string> TokenAsync(string name, string password) =>
        (await Auth<AuthenticateRequest, AuthenticateResponse>("Authenticate", new() { Name = name, Password = password })).Token;

    /// <summary>An etcdserverpb.Auth call, as root once auth is on.</summary>
    public Task<TResp> Auth<TReq, TResp>(string method, TReq request, string? token = null)
        where TReq : class, IMessage<TReq>, new()
        where TResp : class, IMessage<TResp>, new() =>
        CallAsync<TReq, TResp>("/etcdserverpb.Auth/" + method, request, token ?? NullIfEmpty(RootToken));

    /// <summary>A unary call carrying <paramref name="token"/> as etcdctl sends it (metadata "token"); none when null.</summary>
    public Task<TResp> CallAsync<TReq, TResp>(string method, TReq request, string? token)
        where TReq : class, IMessage<TReq>, new()
        where TResp : class, IMessage<TResp>, new() =>
        Member.Channel.UnaryAsync(method, request, ProtoMarshaller.For<TReq>(), ProtoMarshaller.For<TResp>(),
            Metadata(token), timeout: TimeSpan.FromSeconds(15));

    public static IReadOnlyDictionary<string, string>? Metadata(string? token) =>
        token is null ? null : new Dictionary<string, string> { ["token"] = token };

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;

    public ValueTask DisposeAsync() => Member.DisposeAsync();
}
