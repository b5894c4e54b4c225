using System.Text;

namespace EtcdNet.Grpc.Tests;

public sealed class AuthorityNormalizerTests
{
    [Theory]
    [InlineData("http://127.0.0.1:2379", "127.0.0.1:2379")] // etcdctl 3.4 endpoint status
    [InlineData("https://etcd.example:2379", "etcd.example:2379")]
    [InlineData("unix://localhost:2379/", "localhost:2379")]
    [InlineData("http://[::1]:2379/v3/kv?x=1", "[::1]:2379")]
    [InlineData("http://user@host:1#frag", "user@host:1")]
    [InlineData("git+ssh://h:22", "h:22")]
    [InlineData("127.0.0.1:2379", "127.0.0.1:2379")] // already bare
    [InlineData("localhost", "localhost")]
    [InlineData("", "")]
    [InlineData("http://", "http://")] // nothing to keep: left for the server to reject
    [InlineData("://host:1", "://host:1")] // no scheme
    [InlineData("1http://host:1", "1http://host:1")] // a scheme starts with a letter
    [InlineData("ht tp://host:1", "ht tp://host:1")]
    public void Normalize_Value_GivesAuthority(string value, string expected)
    {
        var result = AuthorityNormalizer.Normalize(Encoding.ASCII.GetBytes(value));

        Assert.Equal(expected, Encoding.ASCII.GetString(result));
    }

    [Theory]
    [InlineData(":authority", true)]
    [InlineData("host", true)]
    [InlineData(":path", false)]
    [InlineData("x-host", false)]
    public void IsAuthorityHeader_Name_MatchesOnlyAuthorityAndHost(string name, bool expected)
    {
        Assert.Equal(expected, AuthorityNormalizer.IsAuthorityHeader(Encoding.ASCII.GetBytes(name)));
    }
}
