using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace EtcdNet.Auth;

/// <summary>
/// etcd's JWT tokens: claims "username", "revision" and "exp" (now + TTL, Unix seconds), signed with the configured
/// method. Nothing is remembered: any member holding the key verifies any member's token, and the revision claim lets
/// the store reject tokens minted before the last auth change.
/// </summary>
public sealed class JwtTokenProvider(JwtSigningKey key, TimeSpan ttl, TimeProvider time) : ITokenProvider
{
    /// <summary>etcd's default token lifetime.</summary>
    public static readonly TimeSpan DefaultTtl = TimeSpan.FromMinutes(5);

    /// <summary>How long a signed token stays valid.</summary>
    public TimeSpan Ttl { get; } = ttl;

    /// <summary>The signing method, e.g. "ES256".</summary>
    public string Algorithm => key.Algorithm;

    /// <inheritdoc />
    public AuthInfo? Info(string token, ulong revision)
    {
        string[] parts = token.Split('.');
        if (parts.Length != 3) return null;
        try
        {
            using (JsonDocument header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0])))
            {
                if (!header.RootElement.TryGetProperty("alg", out JsonElement alg) || alg.ValueKind != JsonValueKind.String ||
                    alg.GetString() != key.Algorithm)
                {
                    return null;
                }
            }
            byte[] signingInput = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
            if (!key.Verify(signingInput, Base64Url.DecodeFromChars(parts[2]))) return null;

            using JsonDocument claims = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
            JsonElement root = claims.RootElement;
            // As jwt-go's MapClaims.Valid: a present exp must not be in the past.
            if (root.TryGetProperty("exp", out JsonElement exp) &&
                (exp.ValueKind != JsonValueKind.Number || time.GetUtcNow().ToUnixTimeSeconds() > exp.GetDouble()))
            {
                return null;
            }
            if (!root.TryGetProperty("username", out JsonElement user) || user.ValueKind != JsonValueKind.String) return null;
            if (!root.TryGetProperty("revision", out JsonElement rev) || rev.ValueKind != JsonValueKind.Number) return null;
            return new AuthInfo(user.GetString()!, (ulong)rev.GetDouble());
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public string Assign(string username, ulong revision, string simpleToken)
    {
        if (!key.CanSign) throw new AuthException(AuthError.VerifyOnly);
        // Keys in Go's encoding/json map order (sorted), so tokens look like etcd's.
        string header = Base64Url.EncodeToString(Json(w =>
        {
            w.WriteString("alg", key.Algorithm);
            w.WriteString("typ", "JWT");
        }));
        string claims = Base64Url.EncodeToString(Json(w =>
        {
            w.WriteNumber("exp", (time.GetUtcNow() + Ttl).ToUnixTimeSeconds());
            w.WriteNumber("revision", revision);
            w.WriteString("username", username);
        }));
        string signingInput = header + "." + claims;
        return signingInput + "." + Base64Url.EncodeToString(key.Sign(Encoding.ASCII.GetBytes(signingInput)));
    }

    /// <inheritdoc />
    public void Enable()
    {
    }

    /// <inheritdoc />
    public void Disable()
    {
    }

    /// <inheritdoc />
    public void InvalidateUser(string username)
    {
        // Stateless: the revision bump that comes with the change makes older tokens fail with AuthOldRevision.
    }

    /// <inheritdoc />
    public string GenerateTokenPrefix() => "";

    /// <inheritdoc />
    public void Dispose() => key.Dispose();

    private static byte[] Json(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
