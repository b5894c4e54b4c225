namespace EtcdNet.Grpc;

/// <summary>A call that ended, or must end, with a non-OK gRPC status and its message.</summary>
public sealed class RpcException : Exception
{
    /// <summary>Creates the exception for <paramref name="code"/> with the text clients see in <c>grpc-message</c>.</summary>
    public RpcException(StatusCode code, string detail)
        : base(detail)
    {
        StatusCode = code;
        Detail = detail;
    }

    /// <summary>The status the call ends with.</summary>
    public StatusCode StatusCode { get; }

    /// <summary>The status message, as sent in (or decoded from) <c>grpc-message</c>.</summary>
    public string Detail { get; }

    /// <inheritdoc />
    public override string ToString() => $"Status(StatusCode=\"{StatusCode}\", Detail=\"{Detail}\")";
}
