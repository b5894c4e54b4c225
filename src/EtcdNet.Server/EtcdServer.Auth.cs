using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Auth;
using EtcdNet.Grpc;

namespace EtcdNet.Server;

/// <summary>
/// Who a client call is (etcd's AuthInfoFromCtx) and the checks the serving member makes itself: reads, admin-only
/// RPCs, and the identity stamped on proposals so that the apply loop can check writes in log order.
/// </summary>
public sealed partial class EtcdServer
{
    /// <summary>The metadata keys a token arrives under: etcdctl and clientv3 send "token", the gateway "authorization".</summary>
    private static readonly string[] TokenHeaders = ["token", "authorization"];

    /// <summary>Users, roles, permissions and tokens, as applied from the log.</summary>
    public AuthStore AuthStore { get; private set; } = null!;

    /// <summary>
    /// The identity behind the call's token; null when it carries none. An unknown or expired token throws
    /// "invalid auth token", as etcd's does.
    /// </summary>
    public AuthInfo? AuthInfoFrom(CallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var name in TokenHeaders)
        {
            if (context.GetHeader(name) is { Length: > 0 } token) return AuthStore.AuthInfoFromToken(token);
        }
        return null;
    }

    /// <summary>Stamps the caller's name and auth revision on a proposal; the apply loop checks them.</summary>
    public InternalRaftRequest WithAuth(InternalRaftRequest request, CallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (AuthInfoFrom(context) is { } info)
        {
            request.Header = new RequestHeader { Username = info.Username, AuthRevision = info.Revision };
        }
        return request;
    }

    /// <summary>A proposal the server makes on its own behalf (an expired lease's revoke) acts as root, as etcd's WithRoot.</summary>
    internal InternalRaftRequest AsRoot(InternalRaftRequest request)
    {
        if (AuthStore.IsEnabled) request.Header = new RequestHeader { Username = "root", AuthRevision = AuthStore.Revision };
        return request;
    }

    /// <summary>Root-only RPCs (maintenance, membership, compaction, alarms): throws unless the caller holds the root role.</summary>
    public void CheckAdmin(CallContext context) => AuthStore.IsAdminPermitted(AuthInfoFrom(context));

    /// <summary>
    /// Reads served by this member (etcd's doSerialize): checks the caller may read the range and runs the read;
    /// if the auth state changed while it ran, the answer is withheld ("revision of auth store is old").
    /// </summary>
    public T AuthorizedRead<T>(CallContext context, ReadOnlySpan<byte> key, ReadOnlySpan<byte> rangeEnd, Func<T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        var info = AuthInfoFrom(context) ?? Anonymous;
        AuthStore.IsRangePermitted(info, key, rangeEnd);
        var result = read();
        CheckStillCurrent(info);
        return result;
    }

    /// <summary>Throws "revision of auth store is old" when the auth state moved past the one the caller was checked at.</summary>
    public void CheckStillCurrent(AuthInfo? info)
    {
        if (info is { Revision: not 0 } && info.Revision != AuthStore.Revision) throw new AuthException(AuthError.AuthOldRevision);
    }

    /// <summary>
    /// Who asks for a lease's keys (LeaseTimeToLive with keys): null while auth is disabled; with auth enabled a
    /// caller without a token is refused ("user name is empty") before the lease is looked up.
    /// </summary>
    public AuthInfo? LeaseKeysReader(CallContext context)
    {
        if (!AuthStore.IsEnabled) return null;
        return AuthInfoFrom(context) ?? throw new AuthException(AuthError.UserEmpty);
    }

    /// <summary>The reader must be allowed to read every key attached to the lease, as of an unchanged auth state.</summary>
    public void CheckLeaseKeysReadable(AuthInfo reader, IEnumerable<Google.Protobuf.ByteString> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var key in keys)
        {
            AuthStore.IsRangePermitted(reader, key.Span, []);
        }
        CheckStillCurrent(reader);
    }

    /// <summary>A call without a token: with auth enabled every check of it fails with "user name is empty".</summary>
    internal static readonly AuthInfo Anonymous = new("", 0);
}
