namespace EtcdNet.Proxy;

/// <summary>
/// The proxy's HTTP control API in the form of etcd's functional proxy: /delay-tx, /delay-rx, /pause-tx, /pause-rx,
/// /blackhole-tx, /blackhole-rx. Every answer is one line with status 200, errors included, as etcd's proxy answers.
/// </summary>
public sealed class ControlApi
{
    private const string FormContentType = "application/x-www-form-urlencoded";
    private readonly ProxyServer _proxy;
    private readonly Action<string, string>? _onChange;

    /// <summary>Controls <paramref name="proxy"/>; <paramref name="onChange"/> hears (change, direction) for logging.</summary>
    public ControlApi(ProxyServer proxy, Action<string, string>? onChange = null)
    {
        _proxy = proxy;
        _onChange = onChange;
    }

    /// <summary>The one-line answer (ending in a newline) to a request, after applying what it asks.</summary>
    public string Handle(string method, string path, string? contentType, string body) => path switch
    {
        "/delay-tx" => Delay(method, contentType, body, _proxy.Tx, "send", "tx"),
        "/delay-rx" => Delay(method, contentType, body, _proxy.Rx, "receive", "rx"),
        "/pause-tx" => Toggle(method, "tx", _proxy.Tx.Pause, _proxy.Tx.Unpause,
            $"paused forwarding [{_proxy.From} -> {_proxy.To}]", $"unpaused forwarding [{_proxy.From} -> {_proxy.To}]"),
        "/pause-rx" => Toggle(method, "rx", _proxy.Rx.Pause, _proxy.Rx.Unpause,
            $"paused forwarding [{_proxy.From} <- {_proxy.To}]", $"unpaused forwarding [{_proxy.From} <- {_proxy.To}]"),
        "/blackhole-tx" => Toggle(method, "tx", _proxy.Tx.Blackhole, _proxy.Tx.Unblackhole,
            $"blackholed; dropping packets [{_proxy.From} -> {_proxy.To}]",
            $"unblackholed; restart forwarding [{_proxy.From} -> {_proxy.To}]"),
        "/blackhole-rx" => Toggle(method, "rx", _proxy.Rx.Blackhole, _proxy.Rx.Unblackhole,
            $"blackholed; dropping packets [{_proxy.From} <- {_proxy.To}]",
            $"unblackholed; restart forwarding [{_proxy.From} <- {_proxy.To}]"),
        _ => Line($"proxying [{_proxy.From} -> {_proxy.To}]"),
    };

    /// <summary>Whether a request body is read as a form (Go reads only url-encoded bodies of PUT, POST and PATCH).</summary>
    public static bool IsForm(string? contentType)
    {
        if (contentType is null) return false;
        var semicolon = contentType.IndexOf(';');
        var media = (semicolon < 0 ? contentType : contentType[..semicolon]).Trim();
        return string.Equals(media, FormContentType, StringComparison.OrdinalIgnoreCase);
    }

    private string Delay(string method, string? contentType, string body, TrafficControl faults, string word, string direction)
    {
        switch (method)
        {
            case "GET":
                return Line($"current {word} latency {GoDuration.Format(faults.Latency)}");
            case "PUT" or "POST":
                string? formError = null;
                var form = IsForm(contentType) ? FormBody.Parse(body, out formError) : [];
                if (formError is not null) return Line($"wrong form {GoQuote.Quote(formError)}");
                if (!GoDuration.TryParse(form.GetValueOrDefault("latency", ""), out var latency, out var latencyError))
                {
                    return Line($"wrong latency form {GoQuote.Quote(latencyError)}");
                }

                if (!GoDuration.TryParse(form.GetValueOrDefault("random-variable", ""), out var rv, out var rvError))
                {
                    return Line($"wrong random-variable form {GoQuote.Quote(rvError)}");
                }

                faults.Delay(latency, rv);
                _onChange?.Invoke($"set latency {GoDuration.Format(faults.Latency)}", direction);
                return Line($"added {word} latency {GoDuration.Format(latency)}±{GoDuration.Format(rv)} (current latency {GoDuration.Format(faults.Latency)})");
            case "DELETE":
                var removed = faults.Undelay();
                _onChange?.Invoke("removed latency", direction);
                return Line($"removed latency {GoDuration.Format(removed)}");
            default:
                return Unsupported(method);
        }
    }

    private string Toggle(string method, string direction, Action on, Action off, string onAnswer, string offAnswer)
    {
        switch (method)
        {
            case "PUT" or "POST":
                on();
                _onChange?.Invoke(onAnswer, direction);
                return Line(onAnswer);
            case "DELETE":
                off();
                _onChange?.Invoke(offAnswer, direction);
                return Line(offAnswer);
            default:
                return Unsupported(method);
        }
    }

    private static string Unsupported(string method) => Line($"unsupported method {GoQuote.Quote(method)}");

    private static string Line(string text) => text + "\n";
}
