namespace EtcdNet.Auth;

/// <summary>The auth package's error kinds, one per error etcd's auth store can return.</summary>
public enum AuthError
{
    RootUserNotExist,
    RootRoleNotExist,
    UserAlreadyExist,
    UserEmpty,
    UserNotFound,
    RoleAlreadyExist,
    RoleNotFound,
    RoleEmpty,
    AuthFailed,
    NoPasswordUser,
    PermissionDenied,
    PermissionNotGiven,
    RoleNotGranted,
    PermissionNotGranted,
    AuthNotEnabled,
    AuthOldRevision,
    InvalidAuthToken,
    InvalidAuthOpts,
    InvalidAuthMgmt,
    InvalidAuthMethod,
    MissingKey,
    KeyMismatch,
    VerifyOnly,
}
