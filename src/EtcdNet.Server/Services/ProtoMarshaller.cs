using EtcdNet.Grpc;
using Google.Protobuf;

namespace EtcdNet.Server.Services;

/// <summary>Protobuf messages for the gRPC layer, which itself knows only bytes.</summary>
public static class ProtoMarshaller
{
    public static Marshaller<T> For<T>() where T : class, IMessage<T>, new() => Cache<T>.Instance;

    private static class Cache<T> where T : class, IMessage<T>, new()
    {
        private static readonly MessageParser<T> Parser = new(() => new T());

        public static readonly Marshaller<T> Instance = new(
            data => Parser.ParseFrom(data),
            message => message.CalculateSize(),
            (message, destination) => message.WriteTo(destination));
    }
}
