using System.Net;
using Microsoft.AspNetCore.Http;

namespace EtcdNet.Grpc;

/// <summary>One server call as a handler sees it: its method, metadata, deadline, peer and cancellation.</summary>
public sealed class CallContext
{
    private string? _peer;

    internal CallContext(Method method, HttpContext httpContext, CancellationToken cancellationToken, DateTime? deadline)
    {
        Method = method;
        HttpContext = httpContext;
        CancellationToken = cancellationToken;
        Deadline = deadline;
    }

    /// <summary>The method being called.</summary>
    public Method Method { get; }

    /// <summary>
    /// Fires when the client goes away, the deadline passes, the server stops, or the call has ended
    /// (so producers that outlive a stream stop too).
    /// </summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The UTC deadline from <c>grpc-timeout</c>, if the client sent one.</summary>
    public DateTime? Deadline { get; }

    /// <summary>The underlying HTTP/2 request.</summary>
    public HttpContext HttpContext { get; }

    /// <summary>The client's address as "ip:port" ("[ip]:port" for IPv6), as grpc-go's peer prints it.</summary>
    public string Peer => _peer ??= FormatPeer(HttpContext.Connection);

    /// <summary>The first value of request metadata <paramref name="name"/> (lower-case, e.g. "token"), or null.</summary>
    public string? GetHeader(string name)
    {
        var values = HttpContext.Request.Headers[name];
        return values.Count == 0 ? null : values[0];
    }

    private static string FormatPeer(ConnectionInfo connection)
    {
        var ip = connection.RemoteIpAddress;
        return ip is null ? "unknown" : new IPEndPoint(ip, connection.RemotePort).ToString();
    }
}
