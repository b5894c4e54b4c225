namespace EtcdNet.Grpc;

/// <summary>One RPC of a service: its names, its shape and its path on the wire.</summary>
public sealed class Method
{
    /// <summary>Describes <paramref name="name"/> of <paramref name="service"/> (e.g. "etcdserverpb.KV", "Range").</summary>
    public Method(string service, string name, MethodType type)
    {
        ArgumentException.ThrowIfNullOrEmpty(service);
        ArgumentException.ThrowIfNullOrEmpty(name);
        Service = service;
        Name = name;
        Type = type;
        FullName = "/" + service + "/" + name;
    }

    /// <summary>The fully-qualified service name, e.g. "etcdserverpb.KV".</summary>
    public string Service { get; }

    /// <summary>The method name, e.g. "Range".</summary>
    public string Name { get; }

    /// <summary>Unary or streaming.</summary>
    public MethodType Type { get; }

    /// <summary>The HTTP/2 path, "/service/method".</summary>
    public string FullName { get; }

    /// <inheritdoc />
    public override string ToString() => FullName;
}
