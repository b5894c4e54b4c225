using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Api.Mvccpb;
using EtcdNet.Grpc;
using EtcdNet.Mvcc;
using EtcdNet.Mvcc.Watch;
using Google.Protobuf;

namespace EtcdNet.Server.Services.Watch;

/// <summary>
/// One client's Watch call (etcd's serverWatchStream): the receive loop turns create, cancel and progress requests
/// into calls on the store's <see cref="WatchStream"/>; the send loop turns the stream's queue into WatchResponses,
/// adding prev_kv and cutting fragments where the watcher asked for them. Everything the client sees comes out of
/// that one queue, so a created answer always precedes its watcher's events and a canceled answer follows them.
/// </summary>
public sealed class ServerWatchStream : IDisposable
{
    /// <summary>clientv3's InvalidWatchID: answers that belong to no watcher.</summary>
    private const long InvalidWatchId = -1;

    private readonly EtcdServer _server;
    private readonly WatchStream _stream;
    private readonly IServerStreamWriter<WatchResponse> _responses;
    private readonly int _maxResponseBytes;
    private readonly CancellationTokenSource _cts;

    // Headers are immutable once built and shared by every response of the same revision (one put, many watchers).
    private ResponseHeader? _header;

    // prev_kv of the last event looked up: watchers of one key on one stream all ask for the same event in a row.
    private Event? _prevFor;
    private KeyValue? _prev;

    /// <summary>Wraps <paramref name="stream"/>; the call's token (<paramref name="ct"/>) ends both loops.</summary>
    public ServerWatchStream(EtcdServer server, WatchStream stream, IServerStreamWriter<WatchResponse> responses, int maxResponseBytes, CancellationToken ct)
    {
        _server = server;
        _stream = stream;
        _responses = responses;
        _maxResponseBytes = maxResponseBytes;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
    }

    /// <summary>Decides whether a create is allowed: null, or the reason it is refused (auth).</summary>
    public Func<WatchCreateRequest, string?>? Authorize { get; init; }

    /// <summary>Reads requests until the client half-closes; throws when the call fails or is canceled.</summary>
    public async Task ReceiveLoopAsync(IAsyncStreamReader<WatchRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        while (await requests.MoveNextAsync(_cts.Token).ConfigureAwait(false))
        {
            WatchRequest request = requests.Current;
            switch (request.RequestUnionCase)
            {
                case WatchRequest.RequestUnionOneofCase.CreateRequest:
                    if (Authorize?.Invoke(request.CreateRequest) is { } refusal)
                    {
                        // The stream's writer takes writes from both loops; this answer belongs to no watcher.
                        await _responses.WriteAsync(Refused(refusal), _cts.Token).ConfigureAwait(false);
                        break;
                    }
                    _stream.Watch(SpecOf(request.CreateRequest));
                    break;
                case WatchRequest.RequestUnionOneofCase.CancelRequest:
                    // An unknown id gets no answer, as in etcd.
                    _stream.Cancel(request.CancelRequest.WatchId);
                    break;
                case WatchRequest.RequestUnionOneofCase.ProgressRequest:
                    _stream.RequestProgress();
                    break;
                default:
                    // An empty request does not end the stream.
                    break;
            }
        }
    }

    /// <summary>etcd's answer to a create that was not permitted: created and canceled at once, with the reason.</summary>
    private WatchResponse Refused(string reason) => new()
    {
        Header = new ResponseHeader { ClusterId = _server.ClusterId, MemberId = _server.MemberId, RaftTerm = _server.RaftTerm, Revision = _stream.Revision },
        WatchId = InvalidWatchId,
        Created = true,
        Canceled = true,
        CancelReason = reason,
    };

    /// <summary>Sends the stream's queue until the stream is closed or the call ends.</summary>
    public async Task SendLoopAsync()
    {
        CancellationToken ct = _cts.Token;
        try
        {
            while (await _stream.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                while (_stream.TryRead(out WatchUpdate update))
                {
                    await SendAsync(update, ct).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The call ended or the stream was closed.
        }
    }

    /// <summary>Stops both loops (the watchers stay until <see cref="Dispose"/>).</summary>
    public void Stop() => _cts.Cancel();

    /// <summary>Cancels every watcher; call after the send loop has ended.</summary>
    public void Dispose()
    {
        _cts.Cancel();
        _stream.Dispose();
        _cts.Dispose();
    }

    /// <summary>etcd's normalisation of a create request: empty key = "\0", range end "\0" = from key, empty = single key.</summary>
    internal static WatcherSpec SpecOf(WatchCreateRequest create)
    {
        byte[] key = create.Key.IsEmpty ? [0] : create.Key.ToByteArray();
        byte[]? end = create.RangeEnd.Length switch
        {
            0 => null,
            1 when create.RangeEnd[0] == 0 => [],
            _ => create.RangeEnd.ToByteArray(),
        };
        bool noPut = false, noDelete = false;
        foreach (WatchCreateRequest.Types.FilterType filter in create.Filters)
        {
            noPut |= filter == WatchCreateRequest.Types.FilterType.Noput;
            noDelete |= filter == WatchCreateRequest.Types.FilterType.Nodelete;
        }
        return new WatcherSpec
        {
            Key = key,
            End = end,
            StartRevision = create.StartRevision,
            Id = create.WatchId,
            NoPut = noPut,
            NoDelete = noDelete,
            ProgressNotify = create.ProgressNotify,
            PrevKv = create.PrevKv,
            Fragment = create.Fragment,
        };
    }

    private ValueTask SendAsync(WatchUpdate u, CancellationToken ct)
    {
        var response = new WatchResponse { Header = HeaderAt(u.Revision), WatchId = u.WatchId };
        switch (u.Kind)
        {
            case WatchUpdateKind.Events:
                bool prevKv = u.Watcher?.PrevKv ?? false;
                foreach (Event e in u.Events)
                {
                    response.Events.Add(prevKv ? WithPrevKv(e) : e);
                }
                if (u.Watcher?.Fragment == true && response.Events.Count > 1 && response.CalculateSize() >= _maxResponseBytes)
                {
                    return SendFragmentsAsync(response, ct);
                }
                break;
            case WatchUpdateKind.Created:
                response.Created = true;
                if (u.CancelReason is { } reason)
                {
                    response.WatchId = InvalidWatchId;
                    response.Canceled = true;
                    response.CancelReason = reason;
                }
                break;
            case WatchUpdateKind.Canceled:
                response.Canceled = true;
                break;
            case WatchUpdateKind.Compacted:
                response.Canceled = true;
                response.CompactRevision = u.CompactRevision;
                response.CancelReason = WatchErrors.Compacted;
                break;
            case WatchUpdateKind.Progress:
                break;
        }
        return _responses.WriteAsync(response, ct);
    }

    /// <summary>
    /// etcd's sendFragments: consecutive responses with fragment=true except the last, each as many events as fit
    /// under the limit (at least one), so the client can put the whole response back together.
    /// </summary>
    private async ValueTask SendFragmentsAsync(WatchResponse whole, CancellationToken ct)
    {
        int next = 0;
        while (next < whole.Events.Count)
        {
            var part = new WatchResponse { Header = whole.Header, WatchId = whole.WatchId, Fragment = true };
            int size = part.CalculateSize();
            while (next < whole.Events.Count)
            {
                Event e = whole.Events[next];
                int eventSize = 1 + CodedOutputStream.ComputeMessageSize(e);
                if (part.Events.Count > 0 && size + eventSize >= _maxResponseBytes)
                {
                    break;
                }
                part.Events.Add(e);
                size += eventSize;
                next++;
            }
            if (next == whole.Events.Count)
            {
                part.Fragment = false;
            }
            await _responses.WriteAsync(part, ct).ConfigureAwait(false);
        }
    }

    private ResponseHeader HeaderAt(long revision)
    {
        ResponseHeader? header = _header;
        if (header is null || header.Revision != revision)
        {
            header = new ResponseHeader
            {
                ClusterId = _server.ClusterId,
                MemberId = _server.MemberId,
                RaftTerm = _server.RaftTerm,
                Revision = revision,
            };
            _header = header;
        }
        return header;
    }

    /// <summary>The event with the key's value just before it (a create has none); skipped when that is compacted.</summary>
    private Event WithPrevKv(Event e)
    {
        bool create = e.Type == Event.Types.EventType.Put && e.Kv.CreateRevision == e.Kv.ModRevision;
        if (create)
        {
            return e;
        }
        if (!ReferenceEquals(_prevFor, e))
        {
            _prevFor = e;
            _prev = null;
            try
            {
                RangeResponse r = _server.Kv.Range(new RangeRequest { Key = e.Kv.Key, Revision = e.Kv.ModRevision - 1 });
                _prev = r.Kvs.Count > 0 ? r.Kvs[0] : null;
            }
            catch (MvccException)
            {
                // Compacted meanwhile: etcd sends the event without prev_kv.
            }
        }
        return _prev is null ? e : new Event { Type = e.Type, Kv = e.Kv, PrevKv = _prev };
    }
}
