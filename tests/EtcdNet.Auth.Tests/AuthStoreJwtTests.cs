using System.Security.Cryptography;
using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Storage;
using EtcdNet.TestKit;

namespace EtcdNet.Auth.Tests;

public sealed class AuthStoreJwtTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly ManualTimeProvider _clock = new();
    private readonly Backend _backend;
    private readonly AuthStore _store;

    public AuthStoreJwtTests()
    {
        _backend = Backend.Open(Path.Combine(_dir.Path, "db"));
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        string priv = Path.Combine(_dir.Path, "priv.pem");
        File.WriteAllText(priv, ec.ExportPkcs8PrivateKeyPem());
        _store = new AuthStore(_backend, TokenProviders.Create($"jwt,priv-key={priv},sign-method=ES256", TimeSpan.Zero, _clock), 4, _clock);
        _store.UserAdd(new AuthUserAddRequest { Name = "root", HashedPassword = _store.HashPassword("pw") });
        _store.UserGrantRole(new AuthUserGrantRoleRequest { User = "root", Role = "root" });
        _store.AuthEnable();
    }

    public void Dispose()
    {
        _store.Dispose();
        _backend.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void JwtToken_CarriesItsRevision_OlderOnesGetAuthOldRevision()
    {
        Assert.Equal("", _store.GenerateSimpleTokenPrefix());
        string token = _store.Authenticate("root", "").Token;
        AuthInfo info = _store.AuthInfoFromToken(token)!;
        Assert.Equal(new AuthInfo("root", _store.Revision), info);
        _store.IsPutPermitted(info, "k"u8);

        _store.RoleAdd(new AuthRoleAddRequest { Name = "r" });
        AuthInfo stale = _store.AuthInfoFromToken(token)!;
        Assert.Equal(AuthError.AuthOldRevision, Assert.Throws<AuthException>(() => _store.IsPutPermitted(stale, "k"u8)).Error);
    }

    [Fact]
    public void JwtToken_Expired_InvalidAuthToken()
    {
        string token = _store.Authenticate("root", "").Token;
        _clock.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(AuthError.InvalidAuthToken, Assert.Throws<AuthException>(() => _store.AuthInfoFromToken(token)).Error);
    }
}
