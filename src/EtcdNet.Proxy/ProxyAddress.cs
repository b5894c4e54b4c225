using System.Globalization;
using System.Net;

namespace EtcdNet.Proxy;

/// <summary>A host:port the proxy listens on or dials; "tcp://", "http://" and "unix"-less URL forms are accepted too.</summary>
public sealed record ProxyAddress(string Host, int Port)
{
    /// <summary>Parses "127.0.0.1:2379", "localhost:2379", "[::1]:2379", ":2379" or "http://127.0.0.1:2379".</summary>
    public static bool TryParse(string text, out ProxyAddress address, out string error)
    {
        address = new ProxyAddress("", 0);
        var s = text.Trim();
        var scheme = s.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0) s = s[(scheme + 3)..];
        s = s.TrimEnd('/');
        var colon = s.LastIndexOf(':');
        if (colon < 0)
        {
            error = $"address {text}: missing port in address";
            return false;
        }

        var host = s[..colon];
        if (host.StartsWith('[') && host.EndsWith(']')) host = host[1..^1];
        if (!int.TryParse(s[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            error = $"address {text}: invalid port";
            return false;
        }

        address = new ProxyAddress(host, port);
        error = "";
        return true;
    }

    /// <summary>Parses or throws <see cref="FormatException"/>.</summary>
    public static ProxyAddress Parse(string text) =>
        TryParse(text, out var address, out var error) ? address : throw new FormatException(error);

    /// <summary>The address to bind: "" and "0.0.0.0" mean every interface, "localhost" the IPv4 loopback.</summary>
    public IPAddress ResolveForListen()
    {
        if (Host.Length == 0 || Host == "0.0.0.0") return IPAddress.Any;
        if (Host == "::") return IPAddress.IPv6Any;
        if (string.Equals(Host, "localhost", StringComparison.OrdinalIgnoreCase)) return IPAddress.Loopback;
        if (IPAddress.TryParse(Host, out var ip)) return ip;
        var addresses = Dns.GetHostAddresses(Host);
        return addresses.FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
               ?? addresses.FirstOrDefault()
               ?? throw new InvalidOperationException($"cannot resolve {Host}");
    }

    /// <summary>host:port, with brackets around an IPv6 host.</summary>
    public override string ToString() => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
