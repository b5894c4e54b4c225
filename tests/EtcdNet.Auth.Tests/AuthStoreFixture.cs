using EtcdNet.Api.Authpb;
using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Storage;
using EtcdNet.TestKit;
using Google.Protobuf;

namespace EtcdNet.Auth.Tests;

/// <summary>A store over a real backend in a temp dir, with a manual clock and simple tokens; reopenable.</summary>
public class AuthStoreFixture : IDisposable
{
    private readonly TempDir _dir = new();

    public AuthStoreFixture()
    {
        Backend = Backend.Open(Path.Combine(_dir.Path, "db"));
        Tokens = new SimpleTokenProvider(TimeSpan.FromSeconds(300), Clock);
        Store = new AuthStore(Backend, Tokens, 4, Clock);
    }

    public ManualTimeProvider Clock { get; } = new();

    public Backend Backend { get; private set; }

    public SimpleTokenProvider Tokens { get; private set; }

    public AuthStore Store { get; private set; }

    /// <summary>Commits, closes the store and backend and opens both again from disk.</summary>
    public void Reopen()
    {
        Backend.Commit();
        Store.Dispose();
        Backend.Dispose();
        Backend = Backend.Open(Path.Combine(_dir.Path, "db"));
        Tokens = new SimpleTokenProvider(TimeSpan.FromSeconds(300), Clock);
        Store = new AuthStore(Backend, Tokens, 4, Clock);
    }

    public void AddUser(string name, string password = "pw") =>
        Store.UserAdd(new AuthUserAddRequest { Name = name, HashedPassword = Store.HashPassword(password) });

    public void AddRole(string name) => Store.RoleAdd(new AuthRoleAddRequest { Name = name });

    public void Grant(string user, string role) => Store.UserGrantRole(new AuthUserGrantRoleRequest { User = user, Role = role });

    public void GrantPermission(string role, Permission.Types.Type type, string key, string rangeEnd = "") =>
        Store.RoleGrantPermission(new AuthRoleGrantPermissionRequest
        {
            Name = role,
            Perm = new Permission { PermType = type, Key = ByteString.CopyFromUtf8(key), RangeEnd = ByteString.CopyFromUtf8(rangeEnd) },
        });

    /// <summary>root user with the root role, then auth on.</summary>
    public void EnableWithRoot()
    {
        AddUser("root", "rootpw");
        Grant("root", "root");
        Store.AuthEnable();
    }

    /// <summary>Authenticates as the apply loop would, after the proposer checked the password.</summary>
    public AuthInfo Login(string name, string password = "pw")
    {
        Store.CheckPassword(name, password);
        string token = Store.Authenticate(name, Store.GenerateSimpleTokenPrefix() + ".1" + name.Length).Token;
        return Store.AuthInfoFromToken(token)!;
    }

    public static AuthError ErrorOf(Action action) => Assert.Throws<AuthException>(action).Error;

    public void Dispose()
    {
        Store.Dispose();
        Backend.Dispose();
        _dir.Dispose();
        GC.SuppressFinalize(this);
    }
}
