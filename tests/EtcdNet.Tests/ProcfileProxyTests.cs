using EtcdNet.Configuration;
using EtcdNet.TestKit;

namespace EtcdNet.Tests;

/// <summary>
/// Procfile.proxy: every member line parses as etcd would, and every advertised client and peer URL is a proxy that
/// forwards to that member's listen URL, with control ports of their own that the header documents.
/// </summary>
public sealed class ProcfileProxyTests
{
    private static readonly string[] Lines = File.ReadAllLines(Path.Combine(RepoPaths.Root, "Procfile.proxy"));

    private static IEnumerable<(string Name, List<string> Words)> Processes() =>
        Lines.Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => (l[..l.IndexOf(':', StringComparison.Ordinal)], SplitShell(l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim())));

    private static List<Server.ServerOptions> Members() =>
        Processes().Where(p => p.Words[0] == "bin/etcdnet")
            .Select(p => new ConfigLoader().Load(p.Words.Skip(1).ToList(), new Dictionary<string, string>()).ToServerOptions())
            .ToList();

    private static List<(string Name, string From, string To, int HttpPort)> Proxies() =>
        Processes().Where(p => p.Words[0] == "bin/etcdnet-proxy").Select(p => (p.Name, Flag(p.Words, "--from"), Flag(p.Words, "--to"), int.Parse(Flag(p.Words, "--http-port"), System.Globalization.CultureInfo.InvariantCulture))).ToList();

    [Fact]
    public void ProcfileProxy_EveryProcess_IsAMemberOrAProxy()
    {
        var processes = Processes().ToList();
        Assert.Equal(9, processes.Count);
        Assert.All(processes, p => Assert.Contains(p.Words[0], new[] { "bin/etcdnet", "bin/etcdnet-proxy" }));
        Assert.Equal(processes.Count, processes.Select(p => p.Name).Distinct().Count());
    }

    [Fact]
    public void ProcfileProxy_Members_ParseAsOneNewCluster()
    {
        var members = Members();
        Assert.Equal(["infra1", "infra2", "infra3"], members.Select(m => m.Name));
        var cluster = members[0].InitialCluster;
        Assert.All(members, m =>
        {
            Assert.Equal(cluster, m.InitialCluster);
            Assert.Equal("etcd-cluster-1", m.InitialClusterToken);
            Assert.Equal("new", m.InitialClusterState);
            Assert.Contains($"{m.Name}={Assert.Single(m.InitialAdvertisePeerUrls)}", cluster.Split(','));
        });
    }

    [Fact]
    public void ProcfileProxy_AdvertisedUrls_AreProxiesToTheListenUrls()
    {
        var proxies = Proxies();
        foreach (var member in Members())
        {
            var client = Assert.Single(proxies, p => p.From == HostPort(Assert.Single(member.AdvertiseClientUrls)));
            Assert.Equal(HostPort(Assert.Single(member.ListenClientUrls)), client.To);
            var peer = Assert.Single(proxies, p => p.From == HostPort(Assert.Single(member.InitialAdvertisePeerUrls)));
            Assert.Equal(HostPort(Assert.Single(member.ListenPeerUrls)), peer.To);

            // A member advertising its own listen URL would bypass its proxy.
            Assert.NotEqual(member.ListenClientUrls[0], member.AdvertiseClientUrls[0]);
            Assert.NotEqual(member.ListenPeerUrls[0], member.InitialAdvertisePeerUrls[0]);
        }

        Assert.Equal(6, proxies.Count);
    }

    [Fact]
    public void ProcfileProxy_Ports_AllDistinctAndControlPortsDocumented()
    {
        var members = Members();
        var proxies = Proxies();
        var ports = members.SelectMany(m => m.ListenClientUrls.Concat(m.ListenPeerUrls)).Select(u => new Uri(u).Port)
            .Concat(proxies.Select(p => int.Parse(p.From[(p.From.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture)))
            .Concat(proxies.Select(p => p.HttpPort))
            .ToList();
        Assert.Equal(ports.Count, ports.Distinct().Count());

        var header = string.Join('\n', Lines.Where(l => l.StartsWith('#')));
        Assert.All(proxies, p => Assert.Contains($" {p.HttpPort}", header, StringComparison.Ordinal));
    }

    private static string Flag(List<string> words, string name)
    {
        var i = words.IndexOf(name);
        Assert.True(i > 0 && i + 1 < words.Count, $"{name} missing in {string.Join(' ', words)}");
        return words[i + 1];
    }

    private static string HostPort(string url)
    {
        var uri = new Uri(url);
        return $"{uri.Host}:{uri.Port}";
    }

    /// <summary>Words of a Procfile command, honouring single quotes as a shell does.</summary>
    private static List<string> SplitShell(string command)
    {
        var words = new List<string>();
        var word = new System.Text.StringBuilder();
        var quoted = false;
        var any = false;
        foreach (var c in command)
        {
            if (c == '\'')
            {
                quoted = !quoted;
                any = true;
            }
            else if (c == ' ' && !quoted)
            {
                if (any) words.Add(word.ToString());
                word.Clear();
                any = false;
            }
            else
            {
                word.Append(c);
                any = true;
            }
        }

        if (any) words.Add(word.ToString());
        return words;
    }
}
