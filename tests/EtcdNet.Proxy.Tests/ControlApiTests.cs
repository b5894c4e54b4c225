using EtcdNet.Proxy;

namespace EtcdNet.Proxy.Tests;

/// <summary>The control API's answers, line for line as etcd's functional proxy gives them.</summary>
public sealed class ControlApiTests : IAsyncLifetime
{
    private const string Form = "application/x-www-form-urlencoded";
    private ProxyServer _proxy = null!;
    private ControlApi _api = null!;
    private string _from = "";
    private string _to = "";

    public Task InitializeAsync()
    {
        _proxy = ProxyServer.Start(new ProxyAddress("127.0.0.1", 0), new ProxyAddress("127.0.0.1", 1));
        _api = new ControlApi(_proxy);
        _from = $"tcp://127.0.0.1:{_proxy.ListenEndPoint.Port}";
        _to = "tcp://127.0.0.1:1";
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    [Fact]
    public void Root_AnyOtherPath_SaysWhatIsProxied()
    {
        Assert.Equal($"proxying [{_from} -> {_to}]\n", _api.Handle("GET", "/", null, ""));
        Assert.Equal($"proxying [{_from} -> {_to}]\n", _api.Handle("GET", "/nothing-here", null, ""));
    }

    [Fact]
    public void DelayTx_PutGetDelete_Answers()
    {
        Assert.Equal("current send latency 0s\n", _api.Handle("GET", "/delay-tx", null, ""));

        var added = _api.Handle("PUT", "/delay-tx", Form, "latency=5s&random-variable=100ms");
        var current = GoDuration.Format(_proxy.Tx.Latency);
        Assert.Equal($"added send latency 5s±100ms (current latency {current})\n", added);
        Assert.InRange(_proxy.Tx.Latency, TimeSpan.FromMilliseconds(4900), TimeSpan.FromMilliseconds(5100));
        Assert.Equal($"current send latency {current}\n", _api.Handle("GET", "/delay-tx", null, ""));
        Assert.Equal(TimeSpan.Zero, _proxy.Rx.Latency);

        Assert.Equal($"removed latency {current}\n", _api.Handle("DELETE", "/delay-tx", null, ""));
        Assert.Equal(TimeSpan.Zero, _proxy.Tx.Latency);
    }

    [Fact]
    public void DelayRx_Post_SetsReceiveLatency()
    {
        Assert.Equal("added receive latency 1s±0s (current latency 1s)\n",
            _api.Handle("POST", "/delay-rx", Form + "; charset=utf-8", "latency=1s&random-variable=0s"));
        Assert.Equal("current receive latency 1s\n", _api.Handle("GET", "/delay-rx", null, ""));
        Assert.Equal(TimeSpan.Zero, _proxy.Tx.Latency);
        Assert.Equal("removed latency 1s\n", _api.Handle("DELETE", "/delay-rx", null, ""));
    }

    [Theory]
    [InlineData("latency=abc&random-variable=100ms", "wrong latency form \"time: invalid duration \\\"abc\\\"\"\n")]
    [InlineData("latency=5s", "wrong random-variable form \"time: invalid duration \\\"\\\"\"\n")]
    [InlineData("latency=5&random-variable=1s", "wrong latency form \"time: missing unit in duration \\\"5\\\"\"\n")]
    [InlineData("latency=%zz", "wrong form \"invalid URL escape \\\"%zz\\\"\"\n")]
    [InlineData("", "wrong latency form \"time: invalid duration \\\"\\\"\"\n")]
    public void DelayTx_BadForm_EtcdProxyErrorAndNothingChanges(string body, string expected)
    {
        Assert.Equal(expected, _api.Handle("PUT", "/delay-tx", Form, body));
        Assert.Equal(TimeSpan.Zero, _proxy.Tx.Latency);
    }

    [Fact]
    public void DelayTx_BodyNotAForm_IsNotRead()
    {
        // Go parses only url-encoded bodies into the form; any other body leaves the fields empty.
        Assert.Equal("wrong latency form \"time: invalid duration \\\"\\\"\"\n",
            _api.Handle("PUT", "/delay-tx", "text/plain", "latency=5s&random-variable=1s"));
    }

    [Fact]
    public void Pause_PutDelete_AnswersAndToggles()
    {
        Assert.Equal($"paused forwarding [{_from} -> {_to}]\n", _api.Handle("PUT", "/pause-tx", null, ""));
        Assert.True(_proxy.Tx.IsPaused);
        Assert.False(_proxy.Rx.IsPaused);
        Assert.Equal($"unpaused forwarding [{_from} -> {_to}]\n", _api.Handle("DELETE", "/pause-tx", null, ""));
        Assert.False(_proxy.Tx.IsPaused);

        Assert.Equal($"paused forwarding [{_from} <- {_to}]\n", _api.Handle("POST", "/pause-rx", null, ""));
        Assert.True(_proxy.Rx.IsPaused);
        Assert.Equal($"unpaused forwarding [{_from} <- {_to}]\n", _api.Handle("DELETE", "/pause-rx", null, ""));
        Assert.False(_proxy.Rx.IsPaused);
    }

    [Fact]
    public void Blackhole_PutDelete_AnswersAndToggles()
    {
        Assert.Equal($"blackholed; dropping packets [{_from} -> {_to}]\n", _api.Handle("PUT", "/blackhole-tx", null, ""));
        Assert.True(_proxy.Tx.IsBlackholed);
        Assert.Equal($"unblackholed; restart forwarding [{_from} -> {_to}]\n", _api.Handle("DELETE", "/blackhole-tx", null, ""));
        Assert.False(_proxy.Tx.IsBlackholed);

        Assert.Equal($"blackholed; dropping packets [{_from} <- {_to}]\n", _api.Handle("PUT", "/blackhole-rx", null, ""));
        Assert.True(_proxy.Rx.IsBlackholed);
        Assert.Equal($"unblackholed; restart forwarding [{_from} <- {_to}]\n", _api.Handle("DELETE", "/blackhole-rx", null, ""));
        Assert.False(_proxy.Rx.IsBlackholed);
    }

    [Theory]
    [InlineData("GET", "/pause-tx")]
    [InlineData("GET", "/blackhole-rx")]
    [InlineData("PATCH", "/delay-tx")]
    [InlineData("HEAD", "/pause-rx")]
    public void UnsupportedMethod_SaysSoAndChangesNothing(string method, string path)
    {
        Assert.Equal($"unsupported method \"{method}\"\n", _api.Handle(method, path, Form, "latency=1s&random-variable=0s"));
        Assert.False(_proxy.Tx.IsPaused || _proxy.Rx.IsPaused || _proxy.Tx.IsBlackholed || _proxy.Rx.IsBlackholed);
        Assert.Equal(TimeSpan.Zero, _proxy.Tx.Latency);
    }
}
