using System.Text;
using EtcdNet.Api.Etcdserverpb;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;

namespace EtcdNet.Server.Hosting;

/// <summary>The plain HTTP endpoints etcd serves beside gRPC on every client URL.</summary>
public static class HttpEndpoints
{
    /// <summary>A named probe of /livez or /readyz: null when it passes, else why it failed.</summary>
    private delegate Task<string?> Check(EtcdServer server, CancellationToken ct);

    // etcd 3.5's registries, in a fixed order (etcd's own follows Go map order, so no client depends on one).
    private static readonly (string Name, Check Check)[] Livez =
    [
        ("serializable_read", (s, ct) => ReadAsync(s, serializable: true, ct)),
    ];

    private static readonly (string Name, Check Check)[] Readyz =
    [
        ("data_corruption", (s, _) => Task.FromResult(s.Alarms.IsActive(AlarmType.Corrupt) ? "alarm activated: CORRUPT" : null)),
        ("serializable_read", (s, ct) => ReadAsync(s, serializable: true, ct)),
        ("linearizable_read", (s, ct) => ReadAsync(s, serializable: false, ct)),
    ];

    private static readonly ByteString HealthKey = ByteString.CopyFromUtf8("health");

    public static Task HandleAsync(HttpContext context, EtcdServer server)
    {
        var path = context.Request.Path.Value ?? "";
        switch (path)
        {
            case "/health":
                return Health(context, server);
            case "/metrics":
                context.Response.ContentType = Metrics.ExpositionWriter.ContentType;
                return context.Response.WriteAsync(server.Metrics.Registry.Expose());
            case "/version":
                return Json(context, $$"""{"etcdserver":"{{EtcdServer.Version}}","etcdcluster":"{{ClusterVersion}}"}""");
        }
        if (TryProbe(path, out var checks, out var root))
        {
            return ProbeAsync(context, server, checks, root);
        }
        return NotFound(context);
    }

    /// <summary>What a --listen-metrics-urls listener answers: /metrics and the health probes, nothing else.</summary>
    public static Task HandleMetricsAsync(HttpContext context, EtcdServer server) =>
        context.Request.Path.Value is "/metrics" or "/health" || TryProbe(context.Request.Path.Value ?? "", out _, out _)
            ? HandleAsync(context, server)
            : NotFound(context);

    /// <summary>
    /// /health: false for a raised alarm (unless named in ?exclude=), or without a leader (unless
    /// ?serializable=true asks about this member only), as etcd answers.
    /// </summary>
    private static Task Health(HttpContext context, EtcdServer server)
    {
        var excluded = context.Request.Query["exclude"].Where(v => !string.IsNullOrEmpty(v)).ToHashSet(StringComparer.Ordinal);
        foreach (var alarm in server.Alarms.Get(AlarmType.None))
        {
            if (excluded.Contains(alarm.Alarm.ToString().ToUpperInvariant())) continue;
            var reason = alarm.Alarm switch
            {
                AlarmType.Nospace => "ALARM NOSPACE",
                AlarmType.Corrupt => "ALARM CORRUPT",
                _ => "ALARM UNKNOWN",
            };
            return Unhealthy(context, reason);
        }
        var serializable = context.Request.Query["serializable"] == "true";
        if (!serializable && server.LeaderId == 0) return Unhealthy(context, "RAFT NO LEADER");
        return Json(context, """{"health":"true","reason":""}""");
    }

    private static Task Unhealthy(HttpContext context, string reason)
    {
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        return Json(context, $$"""{"health":"false","reason":"{{reason}}"}""");
    }

    /// <summary>/livez, /readyz (every check, less ?exclude=) or /livez/&lt;check&gt;, /readyz/&lt;check&gt; (that one).</summary>
    private static bool TryProbe(string path, out (string Name, Check Check)[] checks, out bool root)
    {
        var registry = path.StartsWith("/livez", StringComparison.Ordinal) ? Livez
            : path.StartsWith("/readyz", StringComparison.Ordinal) ? Readyz
            : null;
        checks = [];
        root = false;
        if (registry is null) return false;
        var prefix = registry == Livez ? "/livez" : "/readyz";
        if (path.Length == prefix.Length)
        {
            checks = registry;
            root = true;
            return true;
        }
        var one = registry.Where(c => path == prefix + "/" + c.Name).ToArray();
        checks = one;
        return one.Length == 1;
    }

    /// <summary>
    /// Runs the checks as etcd 3.5's check registry: 200 "ok" (preceded by one [+] line per check when ?verbose is
    /// present), or 503 with every check's [+]/[-] line; only GET is allowed.
    /// </summary>
    private static async Task ProbeAsync(HttpContext context, EtcdServer server, (string Name, Check Check)[] checks, bool root)
    {
        var response = context.Response;
        response.Headers["X-Content-Type-Options"] = "nosniff";
        response.ContentType = "text/plain; charset=utf-8";
        if (!HttpMethods.IsGet(context.Request.Method))
        {
            response.Headers.Allow = "GET";
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            await response.WriteAsync("Method Not Allowed\n").ConfigureAwait(false);
            return;
        }
        // Unknown names in ?exclude= are ignored, so probes written for a newer etcd keep working.
        var excluded = root
            ? context.Request.Query["exclude"].Where(v => v is not null).Select(v => v!).ToHashSet(StringComparer.Ordinal)
            : [];
        var reason = new StringBuilder();
        var failed = false;
        foreach (var (name, check) in checks)
        {
            if (excluded.Contains(name)) continue;
            string? error;
            try
            {
                error = await check(server, context.RequestAborted).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
            {
                error = e.Message;
            }
            reason.Append(error is null ? $"[+]{name} ok\n" : $"[-]{name} failed: {error}\n");
            failed |= error is not null;
        }
        if (failed)
        {
            // etcd answers with http.Error, which ends the text with one more newline.
            response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            await response.WriteAsync(reason.Append('\n').ToString()).ConfigureAwait(false);
            return;
        }
        var body = context.Request.Query.ContainsKey("verbose") ? reason.Append("ok\n").ToString() : "ok\n";
        await response.WriteAsync(body).ConfigureAwait(false);
    }

    /// <summary>etcd's readCheck: a one-key, keys-only range, locally or through a linearizable read.</summary>
    private static async Task<string?> ReadAsync(EtcdServer server, bool serializable, CancellationToken ct)
    {
        if (!serializable)
        {
            await server.LinearizableReadAsync(ct).ConfigureAwait(false);
        }
        server.Kv.Range(new RangeRequest { Key = HealthKey, KeysOnly = true, Limit = 1, Serializable = serializable });
        return null;
    }

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
