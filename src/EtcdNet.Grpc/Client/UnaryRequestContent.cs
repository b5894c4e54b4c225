using System.Net;

namespace EtcdNet.Grpc;

/// <summary>The body of a call with one request message: one frame, then END_STREAM.</summary>
internal sealed class UnaryRequestContent : HttpContent
{
    // A fresh array rather than a pooled one: the handler may still be sending it when the response is done.
    private readonly byte[] _frame;

    private UnaryRequestContent(byte[] frame)
    {
        _frame = frame;
        Headers.ContentType = RequestContentType.Value;
    }

    public static UnaryRequestContent Create<T>(T message, Marshaller<T> marshaller)
    {
        var size = marshaller.Size(message);
        var frame = GC.AllocateUninitializedArray<byte>(GrpcProtocol.HeaderSize + size);
        GrpcProtocol.WriteHeader(frame, size);
        marshaller.Write(message, frame.AsSpan(GrpcProtocol.HeaderSize, size));
        return new UnaryRequestContent(frame);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        stream.WriteAsync(_frame, 0, _frame.Length);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        stream.WriteAsync(_frame, 0, _frame.Length, cancellationToken);

    protected override bool TryComputeLength(out long length)
    {
        // No content-length, as grpc clients send none.
        length = -1;
        return false;
    }
}
