namespace EtcdNet.Auth;

/// <summary>An auth store failure; <see cref="Exception.Message"/> is etcd's auth package text for <see cref="Error"/>.</summary>
public sealed class AuthException(AuthError error) : Exception(MessageOf(error))
{
    /// <summary>Which of etcd's auth errors this is.</summary>
    public AuthError Error { get; } = error;

    /// <summary>etcd's text for an auth error (auth/store.go), which the server maps to its rpctypes errors.</summary>
    public static string MessageOf(AuthError error) => error switch
    {
        AuthError.RootUserNotExist => "auth: root user does not exist",
        AuthError.RootRoleNotExist => "auth: root user does not have root role",
        AuthError.UserAlreadyExist => "auth: user already exists",
        AuthError.UserEmpty => "auth: user name is empty",
        AuthError.UserNotFound => "auth: user not found",
        AuthError.RoleAlreadyExist => "auth: role already exists",
        AuthError.RoleNotFound => "auth: role not found",
        AuthError.RoleEmpty => "auth: role name is empty",
        AuthError.AuthFailed => "auth: authentication failed, invalid user ID or password",
        AuthError.NoPasswordUser => "auth: authentication failed, password was given for no password user",
        AuthError.PermissionDenied => "auth: permission denied",
        AuthError.PermissionNotGiven => "auth: permission not given",
        AuthError.RoleNotGranted => "auth: role is not granted to the user",
        AuthError.PermissionNotGranted => "auth: permission is not granted to the role",
        AuthError.AuthNotEnabled => "auth: authentication is not enabled",
        AuthError.AuthOldRevision => "auth: revision in header is old",
        AuthError.InvalidAuthToken => "auth: invalid auth token",
        AuthError.InvalidAuthOpts => "auth: invalid auth options",
        AuthError.InvalidAuthMgmt => "auth: invalid auth management",
        AuthError.InvalidAuthMethod => "auth: invalid auth signature method",
        AuthError.MissingKey => "auth: missing key data",
        AuthError.KeyMismatch => "auth: public and private keys don't match",
        AuthError.VerifyOnly => "auth: token signing attempted with verify-only key",
        _ => "auth: " + error,
    };
}
