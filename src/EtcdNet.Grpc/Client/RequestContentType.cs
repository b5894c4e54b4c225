using System.Net.Http.Headers;

namespace EtcdNet.Grpc;

/// <summary>The request content type, shared because it is never mutated.</summary>
internal static class RequestContentType
{
    public static readonly MediaTypeHeaderValue Value = new(GrpcProtocol.ContentType);
}
