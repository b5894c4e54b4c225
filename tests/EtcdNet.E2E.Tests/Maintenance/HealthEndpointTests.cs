using System.Net;
using EtcdNet.TestKit;

namespace EtcdNet.E2E.Tests.Maintenance;

/// <summary>/livez and /readyz as etcd 3.5 serves them, on client URLs and --listen-metrics-urls.</summary>
public sealed class HealthEndpointTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private static async Task<(HttpStatusCode Code, string Body)> GetAsync(string url)
    {
        using var response = await Http.GetAsync(url);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task LivezAndReadyz_OnHealthyMember_AnswerOkAndListChecksWhenVerbose()
    {
        var metricsPort = Ports.Free();
        await using var member = await Member.StartAsync(ServerKind.EtcdNet, "m1", null, "--listen-metrics-urls", $"http://127.0.0.1:{metricsPort}");

        Assert.Equal((HttpStatusCode.OK, "ok\n"), await GetAsync($"{member.ClientUrl}/livez"));
        Assert.Equal((HttpStatusCode.OK, "ok\n"), await GetAsync($"{member.ClientUrl}/readyz"));
        Assert.Equal((HttpStatusCode.OK, "[+]serializable_read ok\nok\n"), await GetAsync($"{member.ClientUrl}/livez?verbose"));
        Assert.Equal((HttpStatusCode.OK, "[+]data_corruption ok\n[+]serializable_read ok\n[+]linearizable_read ok\nok\n"),
            await GetAsync($"{member.ClientUrl}/readyz?verbose"));
        Assert.Equal((HttpStatusCode.OK, "[+]data_corruption ok\nok\n"), await GetAsync($"{member.ClientUrl}/readyz/data_corruption?verbose"));
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync($"{member.ClientUrl}/readyz/no_such_check")).Code);
        Assert.Equal((HttpStatusCode.OK, "ok\n"), await GetAsync($"http://127.0.0.1:{metricsPort}/readyz"));
        Assert.Equal((HttpStatusCode.OK, "ok\n"), await GetAsync($"http://127.0.0.1:{metricsPort}/livez"));

        using var post = await Http.PostAsync($"{member.ClientUrl}/livez", new StringContent(""));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        Assert.Equal("GET", post.Content.Headers.Allow.Single());
    }

    [Fact]
    public async Task Readyz_WithoutQuorum_FailsLinearizableReadWhileLivezPasses()
    {
        // A member of a two-member cluster whose peer never starts: alive, serving local reads, never ready.
        await using var member = Member.Prepare(ServerKind.EtcdNet, "m1");
        member.InitialCluster += $",m2=http://127.0.0.1:{Ports.Free()}";
        member.Launch();
        await Eventually.TrueAsync(async () => (await GetAsync($"{member.ClientUrl}/livez")).Code == HttpStatusCode.OK,
            TimeSpan.FromSeconds(30), "/livez to answer 200");

        var ready = await GetAsync($"{member.ClientUrl}/readyz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.Code);
        Assert.StartsWith("[+]data_corruption ok\n[+]serializable_read ok\n[-]linearizable_read failed: etcdserver: ", ready.Body, StringComparison.Ordinal);
        Assert.EndsWith("\n\n", ready.Body, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.OK, "ok\n"), await GetAsync($"{member.ClientUrl}/readyz?exclude=linearizable_read"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await GetAsync($"{member.ClientUrl}/health")).Code);
    }
}
