using System.Globalization;

namespace EtcdNet.Server.Tests.Metrics;

/// <summary>A /metrics answer parsed into series (name plus label text) and values, for assertions.</summary>
public sealed class Scrape
{
    private readonly Dictionary<string, double> _series = new(StringComparer.Ordinal);

    private Scrape(string text)
    {
        Text = text;
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#') continue;
            var space = line.LastIndexOf(' ');
            _series[line[..space]] = line[(space + 1)..] switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                var v => double.Parse(v, CultureInfo.InvariantCulture),
            };
        }
    }

    public string Text { get; }

    public static async Task<Scrape> GetAsync(Uri baseUrl)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var response = await http.GetAsync(new Uri(baseUrl, "/metrics"));
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        return new Scrape(await response.Content.ReadAsStringAsync());
    }

    /// <summary>The value of one series, e.g. <c>etcd_server_has_leader</c> or <c>x{a="b"}</c>; fails when absent.</summary>
    public double this[string series] =>
        _series.TryGetValue(series, out var value) ? value : throw new Xunit.Sdk.XunitException($"series {series} not in scrape:\n{Text}");
}
