using System.Diagnostics.CodeAnalysis;

namespace EtcdNet.Grpc;

/// <summary>The method table: which handler serves each "/service/method" path.</summary>
/// <remarks>Register everything before the server starts; lookups during serving take no lock.</remarks>
public sealed class GrpcServiceRegistry
{
    private readonly Dictionary<string, ServerMethod> _methods = new(StringComparer.Ordinal);
    private readonly HashSet<string> _services = new(StringComparer.Ordinal);
    private readonly List<Method> _all = [];

    /// <summary>Every registered method, in registration order (e.g. to pre-create metric series).</summary>
    public IReadOnlyList<Method> Methods => _all;

    /// <summary>Registers a call with one request and one response.</summary>
    public void AddUnary<TReq, TResp>(string service, string method, Marshaller<TReq> req, Marshaller<TResp> resp,
        Func<TReq, CallContext, ValueTask<TResp>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Add(new UnaryServerMethod<TReq, TResp>(new Method(service, method, MethodType.Unary), req, resp, handler));
    }

    /// <summary>Registers a call with one request and a stream of responses.</summary>
    public void AddServerStreaming<TReq, TResp>(string service, string method, Marshaller<TReq> req, Marshaller<TResp> resp,
        Func<TReq, IServerStreamWriter<TResp>, CallContext, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Add(new ServerStreamingServerMethod<TReq, TResp>(
            new Method(service, method, MethodType.ServerStreaming), req, resp, handler));
    }

    /// <summary>Registers a call where both sides stream.</summary>
    public void AddDuplexStreaming<TReq, TResp>(string service, string method, Marshaller<TReq> req, Marshaller<TResp> resp,
        Func<IAsyncStreamReader<TReq>, IServerStreamWriter<TResp>, CallContext, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Add(new DuplexStreamingServerMethod<TReq, TResp>(
            new Method(service, method, MethodType.DuplexStreaming), req, resp, handler));
    }

    internal bool TryGetMethod(string path, [MaybeNullWhen(false)] out ServerMethod method) =>
        _methods.TryGetValue(path, out method);

    internal bool HasService(string service) => _services.Contains(service);

    private void Add(ServerMethod serverMethod)
    {
        if (!_methods.TryAdd(serverMethod.Method.FullName, serverMethod))
        {
            throw new InvalidOperationException($"method {serverMethod.Method.FullName} is already registered");
        }

        _services.Add(serverMethod.Method.Service);
        _all.Add(serverMethod.Method);
    }
}
