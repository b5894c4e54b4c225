using EtcdNet.Robustness.History;

namespace EtcdNet.Robustness.Tests;

public sealed class HistoryRecorderTests
{
    [Fact]
    public void Build_ConcurrentClients_RecordsEveryOperationInItsInterval()
    {
        var recorder = new HistoryRecorder();
        Parallel.For(0, 8, client =>
        {
            for (var i = 0; i < 200; i++)
            {
                var id = recorder.Call(client, new PutRequest("k" + client, "v" + i));
                if (i % 50 == 49)
                {
                    recorder.Fail(id, "context deadline exceeded");
                }
                else
                {
                    recorder.Return(id, new PutResponse(i));
                }
            }
        });

        var history = recorder.Build(seed: 7, scenario: "none");

        Assert.Equal(1600, history.Operations.Count);
        Assert.Equal(Enumerable.Range(0, 1600), history.Operations.Select(op => op.Id));
        Assert.All(history.Operations, op => Assert.True(op.CallNanos <= op.ReturnNanos));
        Assert.Equal(32, history.Operations.Count(op => op.IsUnknown && op.ReturnNanos == Operation.Infinity));
    }

    [Fact]
    public void Build_OperationStillInFlight_IsUnknown()
    {
        var recorder = new HistoryRecorder();
        var done = recorder.Call(0, new RangeRequest("a"));
        recorder.Return(done, new RangeResponse(1, [], 0));
        recorder.Call(1, new PutRequest("a", "1"));

        var history = recorder.Build(1, "x");

        Assert.False(history.Operations[0].IsUnknown);
        Assert.True(history.Operations[1].IsUnknown);
        Assert.Throws<InvalidOperationException>(() => recorder.Return(done, new RangeResponse(1, [], 0)));
    }

    [Fact]
    public void OpenWatch_Responses_AreKeptInArrivalOrder()
    {
        var recorder = new HistoryRecorder();
        var watch = recorder.OpenWatch("m2", 3, WatchRequest.Prefix("key", 5));
        watch.Add(5, []);
        watch.Add(6, [new WatchEvent(WatchEventType.Put, "key1", "v", 6, 6, 1)]);

        var record = Assert.Single(recorder.Build(1, "x").Watches);

        Assert.Equal("m2", record.Member);
        Assert.Equal([5L, 6L], record.Responses.Select(r => r.Revision));
        Assert.True(record.Responses[0].ReceivedNanos <= record.Responses[1].ReceivedNanos);
    }
}
