namespace EtcdNet.Auth;

/// <summary>Builds the token provider named by --auth-token.</summary>
public static class TokenProviders
{
    /// <summary>
    /// "simple", "" (no tokens) or "jwt,pub-key=PATH,priv-key=PATH,sign-method=METHOD[,ttl=DURATION]". Throws
    /// <see cref="ArgumentException"/> whose message is etcd's: "auth: invalid auth options" for a malformed option
    /// list, an unknown type, a bad sign-method or ttl or an unreadable file; "auth: missing key data" / "auth: public
    /// and private keys don't match" for keys; the parser's own text for a PEM that doesn't parse.
    /// </summary>
    public static ITokenProvider Create(string authTokenOption, TimeSpan simpleTtl, TimeProvider time)
    {
        string[] parts = authTokenOption.Split(',');
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string part in parts.Skip(1))
        {
            string[] pair = part.Split('=');
            if (pair.Length != 2 || !options.TryAdd(pair[0], pair[1])) throw Invalid(AuthError.InvalidAuthOpts);
        }
        return parts[0] switch
        {
            "simple" => new SimpleTokenProvider(simpleTtl, time),
            "jwt" => CreateJwt(options, time),
            "" => new NopTokenProvider(),
            _ => throw Invalid(AuthError.InvalidAuthOpts),
        };
    }

    private static JwtTokenProvider CreateJwt(Dictionary<string, string> options, TimeProvider time)
    {
        TimeSpan ttl = JwtTokenProvider.DefaultTtl;
        if (options.TryGetValue("ttl", out string? ttlText) && ttlText.Length > 0 && !GoDuration.TryParse(ttlText, out ttl))
        {
            throw Invalid(AuthError.InvalidAuthOpts);
        }
        string? publicPem = ReadKeyFile(options, "pub-key");
        string? privatePem = ReadKeyFile(options, "priv-key");
        string method = options.GetValueOrDefault("sign-method", "");
        if (!JwtSigningKey.IsKnownMethod(method)) throw Invalid(AuthError.InvalidAuthOpts);
        try
        {
            return new JwtTokenProvider(JwtSigningKey.Load(method, publicPem, privatePem), ttl, time);
        }
        catch (AuthException e)
        {
            throw new ArgumentException(e.Message, e);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new ArgumentException(e.Message, e);
        }
    }

    private static string? ReadKeyFile(Dictionary<string, string> options, string name)
    {
        if (!options.TryGetValue(name, out string? path) || path.Length == 0) return null;
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException(AuthException.MessageOf(AuthError.InvalidAuthOpts), e);
        }
    }

    private static ArgumentException Invalid(AuthError error) => new(AuthException.MessageOf(error), new AuthException(error));
}
