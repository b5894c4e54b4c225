using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Auth;
using EtcdNet.Grpc;

namespace EtcdNet.Server.Auth;

/// <summary>
/// etcd's isWatchPermitted: a watch may be created only over keys the caller may read. A refusal does not end the
/// stream; the client gets a created-and-canceled answer carrying the reason.
/// </summary>
public static class WatchPermission
{
    private static readonly byte[] SmallestKey = [0];

    /// <summary>Why the create is refused, in etcd's words; null when it is allowed.</summary>
    public static string? Refusal(EtcdServer server, CallContext context, WatchCreateRequest create)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(create);
        if (!server.AuthStore.IsEnabled) return null;
        try
        {
            var info = server.AuthInfoFrom(context) ?? EtcdServer.Anonymous;
            // An empty key watches from the smallest key, as the watch itself does. A range end of "\0" stays "to
            // the end of the keyspace" here: etcd 3.4 narrows it to the single key for this check, which would let a
            // user watch keys it may not read.
            var key = create.Key.IsEmpty ? SmallestKey : create.Key.Span;
            server.AuthStore.IsRangePermitted(info, key, create.RangeEnd.Span);
            return null;
        }
        catch (AuthException e)
        {
            return AuthErrors.WatchCancelReason(e.Error);
        }
    }
}
