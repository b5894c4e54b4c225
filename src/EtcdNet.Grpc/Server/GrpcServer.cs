using Microsoft.AspNetCore.Http;

namespace EtcdNet.Grpc;

/// <summary>The middleware that routes gRPC requests to the registry and lets everything else through.</summary>
internal sealed class GrpcServer
{
    private readonly GrpcServiceRegistry _registry;

    public GrpcServer(GrpcServiceRegistry registry, GrpcServerOptions options, CancellationToken stopping)
    {
        _registry = registry;
        Options = options;
        Stopping = stopping;
    }

    public GrpcServerOptions Options { get; }

    /// <summary>Fires when the host begins to stop, so long-lived streams end instead of holding shutdown.</summary>
    public CancellationToken Stopping { get; }

    public Task InvokeAsync(HttpContext http, RequestDelegate next)
    {
        var request = http.Request;
        if (!HttpMethods.IsPost(request.Method))
        {
            return next(http);
        }

        var isHttp2 = HttpProtocol.IsHttp2(request.Protocol);
        if (!GrpcProtocol.IsGrpcContentType(request.ContentType))
        {
            // A POST to one of our services that is not gRPC is a client mistake; other POSTs belong to the host.
            if (isHttp2 && ServiceOf(request.Path.Value) is { } service && _registry.HasService(service))
            {
                http.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
                return Task.CompletedTask;
            }

            return next(http);
        }

        if (!isHttp2)
        {
            // gRPC needs HTTP/2 (trailers, full duplex); tell an HTTP/1.x client so instead of misbehaving.
            http.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
            return Task.CompletedTask;
        }

        var path = request.Path.Value ?? string.Empty;
        if (_registry.TryGetMethod(path, out var method))
        {
            return method.HandleAsync(http, this);
        }

        RejectUnknown(http.Response, path);
        return Task.CompletedTask;
    }

    /// <summary>Puts a status in the response headers of a response that will carry no body.</summary>
    public static void SetTrailersOnlyStatus(HttpResponse response, StatusCode code, string? detail)
    {
        response.ContentType = GrpcProtocol.ContentType;
        var headers = response.Headers;
        headers[GrpcProtocol.StatusHeader] = GrpcProtocol.StatusString(code);
        if (!string.IsNullOrEmpty(detail))
        {
            headers[GrpcProtocol.MessageHeader] = GrpcMessageEncoding.Encode(detail);
        }
    }

    private void RejectUnknown(HttpResponse response, string path)
    {
        var trimmed = path.StartsWith('/') ? path[1..] : path;
        var slash = trimmed.LastIndexOf('/');
        if (slash < 0)
        {
            // grpc-go answers a path without a method part this way.
            SetTrailersOnlyStatus(response, StatusCode.ResourceExhausted, $"malformed method name: \"{path}\"");
            return;
        }

        var service = trimmed[..slash];
        var name = trimmed[(slash + 1)..];
        SetTrailersOnlyStatus(response, StatusCode.Unimplemented, _registry.HasService(service)
            ? $"unknown method {name} for service {service}"
            : $"unknown service {service}");
    }

    private static string? ServiceOf(string? path)
    {
        if (path is null || path.Length < 2)
        {
            return null;
        }

        var slash = path.LastIndexOf('/');
        return slash <= 1 ? null : path[1..slash];
    }
}
