using EtcdNet.Grpc;

namespace EtcdNet.Server.Auth;

/// <summary>
/// Wraps a handler so that, with auth enabled, only a caller holding the root role reaches it (etcd's
/// authMaintenanceServer and the other admin-only RPCs); the check comes before the handler looks at the request.
/// </summary>
public static class RootOnly
{
    public static Func<TReq, CallContext, ValueTask<TResp>> Unary<TReq, TResp>(EtcdServer server, Func<TReq, CallContext, ValueTask<TResp>> handler) =>
        (request, context) =>
        {
            server.CheckAdmin(context);
            return handler(request, context);
        };

    public static Func<TReq, IServerStreamWriter<TResp>, CallContext, Task> ServerStream<TReq, TResp>(
        EtcdServer server, Func<TReq, IServerStreamWriter<TResp>, CallContext, Task> handler) =>
        (request, responses, context) =>
        {
            server.CheckAdmin(context);
            return handler(request, responses, context);
        };
}
