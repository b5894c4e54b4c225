using EtcdNet.Grpc;

namespace EtcdNet.Server.Errors;

/// <summary>One entry of etcd's error table: the status code and the message clients match on.</summary>
public sealed record EtcdError(StatusCode Code, string Message)
{
    /// <summary>The exception the server throws to answer a call with this error.</summary>
    public EtcdException ToException() => new(this);
}

/// <summary>Raised inside the server to end a call with an <see cref="EtcdError"/>.</summary>
public sealed class EtcdException(EtcdError error) : Exception(error.Message)
{
    public EtcdError Error { get; } = error;
}
