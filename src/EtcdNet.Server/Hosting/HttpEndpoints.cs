using Microsoft.AspNetCore.Http;

namespace EtcdNet.Server.Hosting;

/// <summary>The plain HTTP endpoints etcd serves beside gRPC on every client URL.</summary>
public static class HttpEndpoints
{
    public static Task HandleAsync(HttpContext context, EtcdServer server)
    {
        switch (context.Request.Path.Value)
        {
            case "/health":
                // Healthy when the member knows a leader (no alarms exist yet), as etcd's /health answers.
                if (server.LeaderId != 0) return Json(context, """{"health":"true","reason":""}""");
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return Json(context, """{"health":"false","reason":"RAFT NO LEADER"}""");
            case "/metrics":
                context.Response.ContentType = Metrics.ExpositionWriter.ContentType;
                return context.Response.WriteAsync(server.Metrics.Registry.Expose());
            case "/version":
                return Json(context, $$"""{"etcdserver":"{{EtcdServer.Version}}","etcdcluster":"{{ClusterVersion}}"}""");
            default:
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return context.Response.WriteAsync("404 page not found\n");
        }
    }

    /// <summary>What a --listen-metrics-urls listener answers: /metrics and /health, nothing else.</summary>
    public static Task HandleMetricsAsync(HttpContext context, EtcdServer server) =>
        context.Request.Path.Value is "/metrics" or "/health"
            ? HandleAsync(context, server)
            : NotFound(context);

    private static Task NotFound(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return context.Response.WriteAsync("404 page not found\n");
    }

    /// <summary>The cluster version etcd reports is the major.minor of its members with patch 0.</summary>
    private const string ClusterVersion = "3.5.0";

    private static Task Json(HttpContext context, string body)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body);
    }
}
