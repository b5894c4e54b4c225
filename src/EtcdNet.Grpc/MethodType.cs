namespace EtcdNet.Grpc;

/// <summary>Whether each side of a call sends one message or a stream.</summary>
public enum MethodType
{
    Unary,
    ServerStreaming,
    ClientStreaming,
    DuplexStreaming,
}
