using EtcdNet.Grpc;
using EtcdNet.Mvcc;
using Lease = EtcdNet.Lease;
using Mvcc = EtcdNet.Mvcc;

namespace EtcdNet.Server.Errors;

/// <summary>
/// Turns what the server and the stores throw into the status a client sees: the single table of etcd's
/// toGRPCErrorMap. Anything unmapped becomes Unknown with its message, as etcd does.
/// </summary>
public static class ErrorMapping
{
    public static RpcException ToRpcException(Exception error) => error switch
    {
        RpcException rpc => rpc,
        EtcdException etcd => Rpc(etcd.Error),
        EtcdNet.Auth.AuthException auth => Auth.AuthErrors.ToRpcException(auth),
        CompactedException => Rpc(EtcdErrors.Compacted),
        FutureRevisionException => Rpc(EtcdErrors.FutureRev),
        MissingKeyException => Rpc(EtcdErrors.KeyNotFound),
        Mvcc.LeaseNotFoundException => Rpc(EtcdErrors.LeaseNotFound),
        Lease.LeaseNotFoundException => Rpc(EtcdErrors.LeaseNotFound),
        Lease.LeaseExistsException => Rpc(EtcdErrors.LeaseExist),
        Lease.LeaseTtlTooLargeException => Rpc(EtcdErrors.LeaseTTLTooLarge),
        Lease.NotPrimaryException => Rpc(EtcdErrors.NotLeader),
        OperationCanceledException => Rpc(EtcdErrors.Canceled),
        _ => new RpcException(StatusCode.Unknown, error.Message),
    };

    private static RpcException Rpc(EtcdError error) => new(error.Code, error.Message);
}
