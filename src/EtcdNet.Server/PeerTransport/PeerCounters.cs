namespace EtcdNet.Server.PeerTransport;

/// <summary>The mutable counters behind <see cref="PeerStats"/>; kept after a peer is removed, as Prometheus counters are.</summary>
internal sealed class PeerCounters
{
    private long _sentBytes;
    private long _sentFailures;
    private long _receivedBytes;
    private long _receivedFailures;
    private long _disconnects;
    private long _snapshotsSent;
    private long _snapshotSendFailures;
    private long _snapshotsReceived;
    private long _roundTripTicks = -1;

    public void AddSent(long bytes) => Interlocked.Add(ref _sentBytes, bytes);

    public void AddSentFailures(long count) => Interlocked.Add(ref _sentFailures, count);

    public void AddReceived(long bytes) => Interlocked.Add(ref _receivedBytes, bytes);

    public void AddReceivedFailure() => Interlocked.Increment(ref _receivedFailures);

    public void AddDisconnect() => Interlocked.Increment(ref _disconnects);

    public void AddSnapshotSent() => Interlocked.Increment(ref _snapshotsSent);

    public void AddSnapshotSendFailure() => Interlocked.Increment(ref _snapshotSendFailures);

    public void AddSnapshotReceived() => Interlocked.Increment(ref _snapshotsReceived);

    public void SetRoundTrip(TimeSpan rtt) => Volatile.Write(ref _roundTripTicks, rtt.Ticks);

    public PeerStats ToStats(ulong id, bool active)
    {
        var rtt = Volatile.Read(ref _roundTripTicks);
        return new PeerStats(id, active, rtt < 0 ? null : TimeSpan.FromTicks(rtt),
            Interlocked.Read(ref _sentBytes), Interlocked.Read(ref _sentFailures),
            Interlocked.Read(ref _receivedBytes), Interlocked.Read(ref _receivedFailures),
            Interlocked.Read(ref _disconnects), Interlocked.Read(ref _snapshotsSent),
            Interlocked.Read(ref _snapshotSendFailures), Interlocked.Read(ref _snapshotsReceived));
    }
}
