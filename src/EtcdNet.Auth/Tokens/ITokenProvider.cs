namespace EtcdNet.Auth;

/// <summary>Issues and resolves auth tokens (etcd's TokenProvider); simple and JWT implement it.</summary>
public interface ITokenProvider : IDisposable
{
    /// <summary>The user and revision a token stands for, or null when it is unknown, expired or forged.</summary>
    AuthInfo? Info(string token, ulong revision);

    /// <summary>
    /// Issues a token for a user who just authenticated. <paramref name="simpleToken"/> is the token the proposer chose
    /// (prefix + "." + request id); the simple provider hands that one out so every member agrees, JWT signs its own.
    /// </summary>
    string Assign(string username, ulong revision, string simpleToken);

    /// <summary>Starts issuing tokens (auth was enabled or loaded as enabled).</summary>
    void Enable();

    /// <summary>Forgets every issued token it can (auth was disabled).</summary>
    void Disable();

    /// <summary>Drops the user's tokens (user deleted, password changed).</summary>
    void InvalidateUser(string username);

    /// <summary>A fresh random prefix for a simple token; empty for providers that don't need one.</summary>
    string GenerateTokenPrefix();
}
