using EtcdNet.Auth;
using EtcdNet.Grpc;
using EtcdNet.Server.Errors;

namespace EtcdNet.Server.Auth;

/// <summary>
/// The auth store's errors as clients see them (the auth rows of etcd's toGRPCErrorMap). Errors etcd leaves out of
/// that map (a no-password user, bad token options) reach the client as Unknown with the auth package's text.
/// </summary>
public static class AuthErrors
{
    public static RpcException ToRpcException(AuthException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return ToEtcdError(error.Error) is { } known
            ? new RpcException(known.Code, known.Message)
            : new RpcException(StatusCode.Unknown, error.Message);
    }

    public static EtcdError? ToEtcdError(AuthError error) => error switch
    {
        AuthError.RootUserNotExist => EtcdErrors.RootUserNotExist,
        AuthError.RootRoleNotExist => EtcdErrors.RootRoleNotExist,
        AuthError.UserAlreadyExist => EtcdErrors.UserAlreadyExist,
        AuthError.UserEmpty => EtcdErrors.UserEmpty,
        AuthError.UserNotFound => EtcdErrors.UserNotFound,
        AuthError.RoleAlreadyExist => EtcdErrors.RoleAlreadyExist,
        AuthError.RoleNotFound => EtcdErrors.RoleNotFound,
        AuthError.RoleEmpty => EtcdErrors.RoleEmpty,
        AuthError.AuthFailed => EtcdErrors.AuthFailed,
        AuthError.PermissionDenied => EtcdErrors.PermissionDenied,
        AuthError.PermissionNotGiven => EtcdErrors.PermissionNotGiven,
        AuthError.RoleNotGranted => EtcdErrors.RoleNotGranted,
        AuthError.PermissionNotGranted => EtcdErrors.PermissionNotGranted,
        AuthError.AuthNotEnabled => EtcdErrors.AuthNotEnabled,
        AuthError.InvalidAuthToken => EtcdErrors.InvalidAuthToken,
        AuthError.InvalidAuthMgmt => EtcdErrors.InvalidAuthMgmt,
        AuthError.AuthOldRevision => EtcdErrors.AuthOldRevision,
        _ => null,
    };

    /// <summary>
    /// Why a watch create was refused, as etcd's watch server words it in the canceled answer: the grpc error's text
    /// for a bad token, an old revision or no user, and "permission denied" for anything else.
    /// </summary>
    public static string WatchCancelReason(AuthError error) => error switch
    {
        AuthError.InvalidAuthToken => EtcdErrors.InvalidAuthToken.Message,
        AuthError.AuthOldRevision => EtcdErrors.AuthOldRevision.Message,
        AuthError.UserEmpty => EtcdErrors.UserEmpty.Message,
        _ => EtcdErrors.PermissionDenied.Message,
    };
}
