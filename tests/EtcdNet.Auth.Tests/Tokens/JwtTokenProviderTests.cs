using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EtcdNet.TestKit;

namespace EtcdNet.Auth.Tests;

public sealed class JwtTokenProviderTests : IDisposable
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

    private ITokenProvider Create(string method, AsymmetricAlgorithm key, bool withPrivate = true, string extra = "")
    {
        string pub = Write("pub.pem", key.ExportSubjectPublicKeyInfoPem());
        string options = $"jwt,pub-key={pub},sign-method={method}{extra}";
        if (withPrivate) options += $",priv-key={Write("priv.pem", key.ExportPkcs8PrivateKeyPem())}";
        return TokenProviders.Create(options, TimeSpan.FromSeconds(300), _clock);
    }

    public static TheoryData<string> Methods() => ["RS256", "ES256", "PS384", "ES384", "RS512"];

    private static AsymmetricAlgorithm KeyFor(string method) => method switch
    {
        "ES256" => ECDsa.Create(ECCurve.NamedCurves.nistP256),
        "ES384" => ECDsa.Create(ECCurve.NamedCurves.nistP384),
        _ => RSA.Create(2048),
    };

    [Theory]
    [MemberData(nameof(Methods))]
    public void SignThenVerify_RoundTrips(string method)
    {
        using AsymmetricAlgorithm key = KeyFor(method);
        using ITokenProvider jwt = Create(method, key);
        string token = jwt.Assign("alice", 42, "ignored.1");
        Assert.Equal(new AuthInfo("alice", 42), jwt.Info(token, 99)); // the revision is the token's, not the store's
    }

    [Fact]
    public void Claims_AreEtcds_UsernameRevisionExp()
    {
        using var rsa = RSA.Create(2048);
        using ITokenProvider jwt = Create("RS256", rsa);
        string token = jwt.Assign("bob", 7, "");
        string[] parts = token.Split('.');
        using JsonDocument header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
        Assert.Equal("RS256", header.RootElement.GetProperty("alg").GetString());
        using JsonDocument claims = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
        Assert.Equal("bob", claims.RootElement.GetProperty("username").GetString());
        Assert.Equal(7, claims.RootElement.GetProperty("revision").GetInt64());
        Assert.Equal((_clock.GetUtcNow() + TimeSpan.FromMinutes(5)).ToUnixTimeSeconds(), claims.RootElement.GetProperty("exp").GetInt64());
    }

    [Theory]
    [InlineData("RS256")]
    [InlineData("ES256")]
    public void Expired_IsRejected(string method)
    {
        using AsymmetricAlgorithm key = KeyFor(method);
        using ITokenProvider jwt = Create(method, key, extra: ",ttl=1m");
        string token = jwt.Assign("u", 1, "");
        _clock.Advance(TimeSpan.FromSeconds(60));
        Assert.NotNull(jwt.Info(token, 1));
        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Null(jwt.Info(token, 1));
    }

    [Theory]
    [InlineData("RS256")]
    [InlineData("ES256")]
    public void Tampered_IsRejected(string method)
    {
        using AsymmetricAlgorithm key = KeyFor(method);
        using ITokenProvider jwt = Create(method, key);
        string[] parts = jwt.Assign("u", 1, "").Split('.');

        string forgedClaims = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
            $"{{\"exp\":{_clock.GetUtcNow().ToUnixTimeSeconds() + 300},\"revision\":1,\"username\":\"root\"}}"));
        Assert.Null(jwt.Info($"{parts[0]}.{forgedClaims}.{parts[2]}", 1));

        char[] sig = parts[2].ToCharArray();
        sig[5] = sig[5] == 'A' ? 'B' : 'A';
        Assert.Null(jwt.Info($"{parts[0]}.{parts[1]}.{new string(sig)}", 1));

        string none = Base64Url.EncodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}"u8);
        Assert.Null(jwt.Info($"{none}.{parts[1]}.", 1));
        Assert.Null(jwt.Info("not-a-jwt", 1));
        Assert.Null(jwt.Info("a.b.c", 1));
    }

    [Fact]
    public void OtherKey_IsRejected()
    {
        using var a = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var b = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using ITokenProvider signer = Create("ES256", a);
        using ITokenProvider other = Create("ES256", b);
        Assert.Null(other.Info(signer.Assign("u", 1, ""), 1));
    }

    [Fact]
    public void PublicKeyOnly_VerifiesButCannotSign()
    {
        using var rsa = RSA.Create(2048);
        using ITokenProvider full = Create("RS256", rsa);
        string token = full.Assign("u", 3, "");
        using ITokenProvider verifyOnly = Create("RS256", rsa, withPrivate: false);
        Assert.Equal(new AuthInfo("u", 3), verifyOnly.Info(token, 3));
        Assert.Equal(AuthError.VerifyOnly, Assert.Throws<AuthException>(() => verifyOnly.Assign("u", 3, "")).Error);
    }

    [Fact]
    public void Jwt_HasNoSimpleTokenPrefix()
    {
        using var rsa = RSA.Create(2048);
        using ITokenProvider jwt = Create("RS256", rsa);
        Assert.Equal("", jwt.GenerateTokenPrefix());
    }
}
