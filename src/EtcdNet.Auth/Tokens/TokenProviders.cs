namespace EtcdNet.Auth;

/// <summary>Builds the token provider named by --auth-token.</summary>
public static class TokenProviders
{
    /// <summary>
    /// "simple" or "jwt,pub-key=PATH,priv-key=PATH,sign-method=METHOD[,ttl=DURATION]".
    /// Throws <see cref="ArgumentException"/> with etcd's message for a bad option.
    /// </summary>
    public static ITokenProvider Create(string authTokenOption, TimeSpan simpleTtl, TimeProvider time) =>
        throw new NotImplementedException();
}
