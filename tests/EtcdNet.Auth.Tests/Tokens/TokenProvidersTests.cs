using System.Security.Cryptography;
using EtcdNet.TestKit;

namespace EtcdNet.Auth.Tests;

public sealed class TokenProvidersTests : IDisposable
{
    private readonly ManualTimeProvider _clock = new();
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Write(string name, string pem)
    {
        string path = Path.Combine(_dir.Path, name);
        File.WriteAllText(path, pem);
        return path;
    }

    private ITokenProvider Create(string option) => TokenProviders.Create(option, TimeSpan.FromSeconds(30), _clock);

    private string ErrorOf(string option) => Assert.Throws<ArgumentException>(() => Create(option)).Message;

    [Fact]
    public void Simple_UsesTheGivenTtl()
    {
        using ITokenProvider p = Create("simple");
        Assert.Equal(TimeSpan.FromSeconds(30), Assert.IsType<SimpleTokenProvider>(p).Ttl);
    }

    [Fact]
    public void Empty_IsNop()
    {
        using ITokenProvider p = Create("");
        Assert.IsType<NopTokenProvider>(p);
        Assert.Equal(AuthError.AuthFailed, Assert.Throws<AuthException>(() => p.Assign("u", 1, "x.1")).Error);
    }

    [Theory]
    [InlineData("bogus")]
    [InlineData("simple,ttl")]            // not key=value
    [InlineData("jwt,a=1,a=2")]           // duplicate
    [InlineData("jwt,sign-method=XX256")] // unknown method
    [InlineData("jwt,sign-method=RS256,ttl=5 minutes")]
    [InlineData("jwt,sign-method=RS256,priv-key=/nonexistent/key.pem")]
    public void BadOptions_InvalidAuthOptions(string option) => Assert.Equal("auth: invalid auth options", ErrorOf(option));

    [Fact]
    public void Jwt_NoKeys_MissingKeyData() => Assert.Equal("auth: missing key data", ErrorOf("jwt,sign-method=RS256"));

    [Fact]
    public void Jwt_MismatchedKeys_KeysDontMatch()
    {
        using var a = RSA.Create(2048);
        using var b = RSA.Create(2048);
        string option = $"jwt,pub-key={Write("pub", b.ExportSubjectPublicKeyInfoPem())},priv-key={Write("priv", a.ExportPkcs8PrivateKeyPem())},sign-method=RS256";
        Assert.Equal("auth: public and private keys don't match", ErrorOf(option));
    }

    [Fact]
    public void Jwt_GarbagePem_ArgumentException()
    {
        string option = $"jwt,priv-key={Write("priv", "not a pem")},sign-method=ES256";
        Assert.Throws<ArgumentException>(() => Create(option));
    }

    [Fact]
    public void Jwt_TtlInGoSyntax_AndDefaultFiveMinutes()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        string priv = Write("priv", ec.ExportECPrivateKeyPem());
        using (ITokenProvider p = Create($"jwt,priv-key={priv},sign-method=ES256,ttl=1h30m"))
        {
            Assert.Equal(TimeSpan.FromMinutes(90), Assert.IsType<JwtTokenProvider>(p).Ttl);
        }
        using (ITokenProvider p = Create($"jwt,priv-key={priv},sign-method=ES256"))
        {
            Assert.Equal(TimeSpan.FromMinutes(5), Assert.IsType<JwtTokenProvider>(p).Ttl);
        }
    }

    [Fact]
    public void Jwt_Pkcs1RsaPem_Loads()
    {
        using var rsa = RSA.Create(2048);
        using ITokenProvider p = Create($"jwt,priv-key={Write("priv", rsa.ExportRSAPrivateKeyPem())},sign-method=PS256");
        Assert.Equal("u", p.Info(p.Assign("u", 2, ""), 2)!.Username);
    }
}
