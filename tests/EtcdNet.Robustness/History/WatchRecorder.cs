namespace EtcdNet.Robustness.History;

/// <summary>Collects the responses of one watch; thread-safe, made by <see cref="HistoryRecorder.OpenWatch"/>.</summary>
public sealed class WatchRecorder
{
    private readonly HistoryRecorder _recorder;
    private readonly List<WatchResponse> _responses = [];
    private readonly int _id;
    private readonly string _member;
    private readonly int _clientId;
    private readonly long _openedNanos;
    private readonly WatchRequest _request;

    internal WatchRecorder(HistoryRecorder recorder, int id, string member, int clientId, long openedNanos, WatchRequest request)
    {
        _recorder = recorder;
        _id = id;
        _member = member;
        _clientId = clientId;
        _openedNanos = openedNanos;
        _request = request;
    }

    /// <summary>Records one response received now.</summary>
    public void Add(long revision, IReadOnlyList<WatchEvent> events, bool canceled = false, long compactRevision = 0, string? cancelReason = null) =>
        Add(new WatchResponse(_recorder.Now(), revision, events, canceled, compactRevision, cancelReason));

    /// <summary>Records one response as given.</summary>
    public void Add(WatchResponse response)
    {
        lock (_responses)
        {
            _responses.Add(response);
        }
    }

    internal WatchRecord Snapshot()
    {
        lock (_responses)
        {
            return new WatchRecord(_id, _member, _clientId, _openedNanos, _request, _responses.ToList());
        }
    }
}
