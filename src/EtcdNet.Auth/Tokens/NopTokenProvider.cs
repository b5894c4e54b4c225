namespace EtcdNet.Auth;

/// <summary>The provider for an empty --auth-token: no token resolves and authenticating fails (etcd's tokenNop).</summary>
public sealed class NopTokenProvider : ITokenProvider
{
    /// <inheritdoc />
    public AuthInfo? Info(string token, ulong revision) => null;

    /// <inheritdoc />
    public string Assign(string username, ulong revision, string simpleToken) => throw new AuthException(AuthError.AuthFailed);

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
    }

    /// <inheritdoc />
    public string GenerateTokenPrefix() => "";

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
