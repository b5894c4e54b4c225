using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using EtcdNet.Grpc;
using EtcdNet.Raft.Raftpb;
using Microsoft.Extensions.Logging;

namespace EtcdNet.Server.PeerTransport;

/// <summary>
/// The sending half towards one remote member: a bounded queue drained in order by one task over one long-lived
/// HTTP/2 stream, a prober measuring round trips, and snapshot uploads on connections of their own.
/// </summary>
/// <remarks>
/// States: Connecting (messages queue while a dial is under way), Active (the stream is accepted), Inactive (the last
/// dial failed: Send drops at once, so raft learns of the outage instead of messages going stale in a queue).
/// </remarks>
internal sealed class Peer : IAsyncDisposable
{
    // A burst is cut into frames of about this size so one huge batch cannot hold the stream for long.
    private const int MaxBatchBytes = 1024 * 1024;
    private const int MaxBatchCount = 512;

    private const int Connecting = 0;
    private const int Active = 1;
    private const int Inactive = 2;

    private readonly RaftTransport _transport;
    private readonly RaftTransportOptions _options;
    private readonly Channel<Message> _queue;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _urlLock = new();
    private readonly string _idText;
    private readonly Task _sendLoop;
    private readonly Task _probeLoop;
    private readonly ConcurrentDictionary<Task, byte> _snapshots = new();
    private string[] _urls;
    private int _urlIndex;
    private CancellationTokenSource _streamBreak = new();
    private int _state = Connecting;

    public Peer(ulong id, IReadOnlyList<string> urls, RaftTransport transport, PeerCounters counters)
    {
        Id = id;
        _idText = PeerWire.FormatId(id);
        _urls = [.. urls];
        _transport = transport;
        _options = transport.Options;
        Counters = counters;
        _queue = Channel.CreateBounded<Message>(new BoundedChannelOptions(_options.QueueSize)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait, // only TryWrite is used: a full queue refuses, it never waits
        });
        Metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [PeerWire.ClusterIdHeader] = PeerWire.FormatId(_options.ClusterId),
            [PeerWire.FromHeader] = PeerWire.FormatId(_options.LocalId),
            [PeerWire.ToHeader] = _idText,
            [PeerWire.ServerVersionHeader] = PeerWire.ServerVersion,
            [PeerWire.PeerUrlsHeader] = string.Join(',', _options.LocalPeerUrls),
        };
        _sendLoop = Task.Run(SendLoopAsync);
        _probeLoop = Task.Run(ProbeLoopAsync);
    }

    public ulong Id { get; }

    public PeerCounters Counters { get; }

    public bool IsActive => Volatile.Read(ref _state) == Active;

    /// <summary>The headers every call to this peer carries.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The URL calls go to now; a failed dial moves on to the next one.</summary>
    public Uri CurrentUrl
    {
        get
        {
            lock (_urlLock)
            {
                return new Uri(_urls[_urlIndex % _urls.Length]);
            }
        }
    }

    /// <summary>Queues <paramref name="message"/>; false (dropped) when the queue is full or the peer is unreachable.</summary>
    public bool TrySend(Message message) =>
        Volatile.Read(ref _state) != Inactive && _queue.Writer.TryWrite(message);

    /// <summary>Starts uploading a MsgSnap and its data; the outcome goes to ReportSnapshot.</summary>
    public void SendSnapshot(Message message)
    {
        var upload = Task.Run(() => SnapshotSender.SendAsync(this, _transport, message, _stop.Token));
        _snapshots.TryAdd(upload, 0);
        _ = upload.ContinueWith(t => _snapshots.TryRemove(t, out _), TaskScheduler.Default);
    }

    /// <summary>Points the peer at new URLs; the current stream is re-dialed if its URL is gone.</summary>
    public void UpdateUrls(IReadOnlyList<string> urls)
    {
        CancellationTokenSource streamBreak;
        lock (_urlLock)
        {
            var current = _urls[_urlIndex % _urls.Length];
            _urls = [.. urls];
            _urlIndex = Math.Max(0, Array.IndexOf(_urls, current));
            if (_urls.Contains(current, StringComparer.Ordinal))
            {
                return;
            }

            streamBreak = _streamBreak;
        }

        streamBreak.Cancel();
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll([_sendLoop, _probeLoop, .. _snapshots.Keys]).ConfigureAwait(false);
        _stop.Dispose();
    }

    /// <summary>A failed call to <paramref name="url"/>: the next call tries the peer's next URL (etcd's urlPicker).</summary>
    public void MarkUnreachable(Uri url)
    {
        lock (_urlLock)
        {
            if (_urls.Length > 1 && new Uri(_urls[_urlIndex % _urls.Length]) == url)
            {
                _urlIndex = (_urlIndex + 1) % _urls.Length;
            }
        }
    }

    private async Task SendLoopAsync()
    {
        var ct = _stop.Token;
        var backoff = _options.MinBackoff;
        GrpcChannel? channel = null;
        Uri? channelUrl = null;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                CancellationTokenSource streamBreak;
                lock (_urlLock)
                {
                    if (_streamBreak.IsCancellationRequested)
                    {
                        _streamBreak.Dispose();
                        _streamBreak = new CancellationTokenSource();
                    }

                    streamBreak = _streamBreak;
                }

                var url = CurrentUrl;
                if (channel is null || channelUrl != url)
                {
                    channel?.Dispose();
                    channel = _transport.CreateChannel(url);
                    channelUrl = url;
                }

                using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, streamBreak.Token);
                DuplexCall<MessageBatch, MessageBatch> call;
                try
                {
                    call = await DialAsync(channel, linked.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    if (streamBreak.IsCancellationRequested)
                    {
                        continue; // the URLs changed under the dial: try the new ones at once
                    }

                    OnDialFailed(url, e);
                    await Task.Delay(backoff, ct).ConfigureAwait(false);
                    backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.MaxBackoff.Ticks));
                    channel.Dispose(); // a fresh connection next time: the old one may be wedged
                    channel = null;
                    continue;
                }

                backoff = _options.MinBackoff;
                await using (call.ConfigureAwait(false))
                {
                    if (Interlocked.Exchange(ref _state, Active) != Active)
                    {
                        PeerLog.PeerActive(_transport.Logger, _idText);
                    }

                    try
                    {
                        await PumpAsync(call, linked.Token).ConfigureAwait(false);
                    }
                    catch (Exception e) when (!ct.IsCancellationRequested)
                    {
                        // Queue the next messages while one immediate redial decides between Active and Inactive.
                        Volatile.Write(ref _state, Connecting);
                        Counters.AddDisconnect();
                        PeerLog.StreamLost(_transport.Logger, _transport.LocalIdText, _idText, Describe(e));
                    }
                }
            }
        }
        catch (Exception) when (ct.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            channel?.Dispose();
        }
    }

    private async Task<DuplexCall<MessageBatch, MessageBatch>> DialAsync(GrpcChannel channel, CancellationToken ct)
    {
        var call = channel.Duplex(PeerWire.StreamPath, MessageBatch.Marshaller, MessageBatch.Marshaller, Metadata, ct);
        try
        {
            // An empty batch first: SocketsHttpHandler may hold the request HEADERS back until the body is written
            // to (refusals then took 1 s to 30 s to arrive). The receiver answers with an empty batch once it has
            // checked our headers; until then no message is sent, so a refused stream loses none.
            await call.WriteAsync(MessageBatch.Empty).AsTask().WaitAsync(_options.DialTimeout, ct).ConfigureAwait(false);
            if (!await call.Responses.MoveNextAsync(ct).AsTask().WaitAsync(_options.DialTimeout, ct).ConfigureAwait(false))
            {
                throw new IOException("the peer closed the stream before accepting it");
            }

            return call;
        }
        catch
        {
            await call.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private void OnDialFailed(Uri url, Exception e)
    {
        MarkUnreachable(url);
        if (e is RpcException { StatusCode: StatusCode.FailedPrecondition } refusal)
        {
            if (refusal.Detail == PeerWire.ClusterIdMismatch)
            {
                PeerLog.ClusterIdMismatch(_transport.Logger, _idText, PeerWire.FormatId(_options.ClusterId));
            }
            else if (refusal.Detail == PeerWire.RemovedMember)
            {
                _transport.OnRemovedByPeer(Id);
            }
        }

        if (Interlocked.Exchange(ref _state, Inactive) != Inactive)
        {
            PeerLog.PeerInactive(_transport.Logger, _idText, Describe(e));
        }

        // What queued while dialing will not go anywhere: drop it and let raft know (it re-sends what matters).
        var dropped = 0L;
        while (_queue.Reader.TryRead(out _))
        {
            dropped++;
        }

        if (dropped > 0)
        {
            Counters.AddSentFailures(dropped);
            _transport.ReportUnreachable(Id);
        }
    }

    private async Task PumpAsync(DuplexCall<MessageBatch, MessageBatch> call, CancellationToken ct)
    {
        var reader = _queue.Reader;
        var ended = WatchEndAsync(call);
        var batch = new MessageBatch();
        while (true)
        {
            if (!reader.TryRead(out var message))
            {
                var ready = reader.WaitToReadAsync(ct).AsTask();
                if (await Task.WhenAny(ready, ended).ConfigureAwait(false) == ended)
                {
                    throw new IOException("the peer ended the stream");
                }

                if (!await ready.ConfigureAwait(false))
                {
                    return; // removed: the queue is complete
                }

                continue;
            }

            batch.Add(message);
            while (batch.Count < MaxBatchCount && batch.EncodedSize < MaxBatchBytes && reader.TryRead(out message))
            {
                batch.Add(message);
            }

            try
            {
                await call.WriteAsync(batch).AsTask().WaitAsync(_options.WriteTimeout, ct).ConfigureAwait(false);
            }
            catch
            {
                Counters.AddSentFailures(batch.Count);
                _transport.ReportUnreachable(Id);
                throw;
            }

            for (var i = 0; i < batch.Count; i++)
            {
                Counters.AddSent(batch.SizeOf(i));
            }

            batch.Clear();
        }
    }

    /// <summary>Completes when the receiver ends the stream (refusal, shutdown) or the connection breaks; never faults.</summary>
    private static async Task WatchEndAsync(DuplexCall<MessageBatch, MessageBatch> call)
    {
        try
        {
            while (await call.Responses.MoveNextAsync().ConfigureAwait(false))
            {
                // The receiver sends nothing after its acknowledgement.
            }
        }
        catch (Exception)
        {
            // Any ending is the same news to the pump: the stream is gone.
        }
    }

    private async Task ProbeLoopAsync()
    {
        var ct = _stop.Token;
        GrpcChannel? channel = null;
        Uri? channelUrl = null;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var url = CurrentUrl;
                if (channel is null || channelUrl != url)
                {
                    channel?.Dispose();
                    channel = _transport.CreateChannel(url);
                    channelUrl = url;
                }

                var start = Stopwatch.GetTimestamp();
                try
                {
                    await channel.UnaryAsync(PeerWire.ProbePath, ReadOnlyMemory<byte>.Empty, PeerWire.Bytes, PeerWire.Bytes,
                        Metadata, _options.WriteTimeout, ct).ConfigureAwait(false);
                    var rtt = Stopwatch.GetElapsedTime(start);
                    Counters.SetRoundTrip(rtt);
                    _options.RoundTripObserved?.Invoke(Id, rtt);
                }
                catch (Exception) when (!ct.IsCancellationRequested)
                {
                    // An unreachable peer has no round trip; the stream's state says it is down.
                }

                await Task.Delay(_options.ProbeInterval, ct).ConfigureAwait(false);
            }
        }
        catch (Exception) when (ct.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            channel?.Dispose();
        }
    }

    internal static string Describe(Exception e) => e switch
    {
        RpcException r => $"{r.StatusCode}: {r.Detail}",
        TimeoutException => "i/o timeout",
        _ => e.GetBaseException().Message,
    };
}
