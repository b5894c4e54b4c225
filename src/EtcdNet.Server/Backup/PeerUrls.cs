namespace EtcdNet.Server.Backup;

/// <summary>
/// Peer URL lists checked as etcd's types.NewURLs and NewURLsMap check them (scheme, host:port, no path), with
/// etcd's error texts, so a restore refuses what etcd would refuse at bootstrap.
/// </summary>
internal static class PeerUrls
{
    /// <summary>Checks and sorts <paramref name="urls"/>.</summary>
    public static List<string> Parse(IEnumerable<string> urls)
    {
        var result = new List<string>();
        foreach (var raw in urls)
        {
            var url = raw.Trim();
            Check(url);
            result.Add(url);
        }
        if (result.Count == 0) throw new BackupException("no valid URLs given");
        result.Sort(StringComparer.Ordinal);
        return result;
    }

    /// <summary>
    /// name=url,name=url,... into each name's sorted URLs (a name may repeat for several URLs), ordered by name.
    /// An entry without '=' names a member with an empty URL, which then fails the URL checks, as in etcd.
    /// </summary>
    public static SortedDictionary<string, List<string>> ParseMap(string text)
    {
        var raw = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var entry in text.Split(','))
        {
            if (entry.Length == 0) continue;
            var eq = entry.IndexOf('=', StringComparison.Ordinal);
            var (name, url) = eq < 0 ? (entry, "") : (entry[..eq], entry[(eq + 1)..]);
            if (!raw.TryGetValue(name, out var list)) raw[name] = list = [];
            list.Add(url);
        }
        var map = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (name, list) in raw) map[name] = Parse(list);
        return map;
    }

    /// <summary>etcd's URLsMap.String(): every name=url pair, sorted.</summary>
    public static string Format(IEnumerable<KeyValuePair<string, List<string>>> map) =>
        string.Join(',', map.SelectMany(p => p.Value.Select(u => $"{p.Key}={u}")).Order(StringComparer.Ordinal));

    private static void Check(string url)
    {
        var sep = url.IndexOf("://", StringComparison.Ordinal);
        var scheme = sep < 0 ? "" : url[..sep].ToLowerInvariant();
        if (scheme is not ("http" or "https" or "unix" or "unixs"))
        {
            throw new BackupException($"URL scheme must be http, https, unix, or unixs: {url}");
        }
        var rest = url[(sep + 3)..];
        var end = rest.IndexOfAny(['/', '?', '#']);
        var host = end < 0 ? rest : rest[..end];
        if (!HasPort(host))
        {
            throw new BackupException($"URL address does not have the form \"host:port\": {url}");
        }
        if (end >= 0 && rest[end] == '/')
        {
            throw new BackupException($"URL must not contain a path: {url}");
        }
    }

    /// <summary>Go's net.SplitHostPort accepts host:port and [v6]:port, nothing without a port.</summary>
    private static bool HasPort(string host)
    {
        if (host.StartsWith('['))
        {
            var close = host.IndexOf(']', StringComparison.Ordinal);
            return close > 0 && close + 1 < host.Length && host[close + 1] == ':' && host.IndexOf(':', close + 2) < 0;
        }
        var colon = host.IndexOf(':', StringComparison.Ordinal);
        return colon >= 0 && colon == host.LastIndexOf(':');
    }
}
