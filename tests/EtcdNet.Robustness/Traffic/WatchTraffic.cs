using EtcdNet.Robustness.History;
using Pb = EtcdNet.Api.Etcdserverpb;

namespace EtcdNet.Robustness.Traffic;

/// <summary>
/// One watch per member over the traffic's whole key prefix, from revision 1 so that every member must deliver the
/// full event history. A broken stream (member killed, stopped, cut off) is reopened once the member answers again,
/// from the last revision seen + 1, as a new watch record; a watch canceled by compaction restarts from the
/// compacted revision. Each response is recorded as received.
/// </summary>
public sealed class WatchTraffic
{
    private readonly HistoryRecorder _recorder;
    private readonly string _prefix;
    private readonly IReadOnlyList<(string Member, Func<EtcdClient> Client)> _members;
    private readonly long[] _lastRevision;

    public WatchTraffic(HistoryRecorder recorder, string prefix, IReadOnlyList<(string Member, Func<EtcdClient> Client)> members)
    {
        _recorder = recorder;
        _prefix = prefix;
        _members = members;
        _lastRevision = new long[members.Count];
    }

    /// <summary>The highest event revision the watch on member <paramref name="index"/> has delivered.</summary>
    public long LastRevision(int index) => Interlocked.Read(ref _lastRevision[index]);

    /// <summary>Watches on every member until <paramref name="ct"/> fires.</summary>
    public Task RunAsync(CancellationToken ct) =>
        Task.WhenAll(_members.Select((m, i) => Task.Run(() => WatchMemberAsync(i, ct), CancellationToken.None)));

    private async Task WatchMemberAsync(int index, CancellationToken ct)
    {
        var (member, clientOf) = _members[index];
        // Watch client ids are kept apart from the KV clients'.
        var clientId = 1000 + index;
        long start = 1;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                start = await WatchOnceAsync(member, clientId, clientOf(), start, index, ct).ConfigureAwait(false);
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                // The stream broke; reopen from where it stopped.
                start = Math.Max(start, LastRevision(index) + 1);
            }
            catch (Exception)
            {
                return;
            }
            try
            {
                await Task.Delay(200, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Runs one watch stream to its end; returns the revision to resume from.</summary>
    private async Task<long> WatchOnceAsync(string member, int clientId, EtcdClient client, long start, int index, CancellationToken ct)
    {
        var request = WatchRequest.Prefix(_prefix, start);
        await using var call = client.Watch(ct);
        var create = new Pb.WatchCreateRequest
        {
            Key = Google.Protobuf.ByteString.CopyFromUtf8(request.Key),
            RangeEnd = Google.Protobuf.ByteString.CopyFromUtf8(request.RangeEnd ?? ""),
            StartRevision = start,
        };
        await call.WriteAsync(new Pb.WatchRequest { CreateRequest = create }).ConfigureAwait(false);
        WatchRecorder? recorder = null;
        while (await call.Responses.MoveNextAsync(ct).ConfigureAwait(false))
        {
            var r = call.Responses.Current;
            // The record starts with the server's answer to the create, so a refused connection leaves no empty record.
            recorder ??= _recorder.OpenWatch(member, clientId, request);
            var events = r.Events.Select(e => new WatchEvent(
                e.Type == Api.Mvccpb.Event.Types.EventType.Delete ? WatchEventType.Delete : WatchEventType.Put,
                e.Kv.Key.ToStringUtf8(), e.Kv.Value.ToStringUtf8(), e.Kv.ModRevision, e.Kv.CreateRevision, e.Kv.Version)).ToList();
            recorder.Add(r.Header?.Revision ?? 0, events, r.Canceled, r.CompactRevision, string.IsNullOrEmpty(r.CancelReason) ? null : r.CancelReason);
            if (events.Count > 0)
            {
                var last = events[^1].ModRevision;
                Interlocked.Exchange(ref _lastRevision[index], Math.Max(last, LastRevision(index)));
                start = last + 1;
            }
            if (r.Canceled)
            {
                // Compacted: what was below the compaction is gone; continue from the oldest revision still there.
                return Math.Max(start, r.CompactRevision);
            }
        }
        return start;
    }
}
