using System.Collections.Concurrent;
using System.Net;
using System.Runtime.CompilerServices;

namespace EtcdNet.Grpc;

/// <summary>A gRPC client over h2c (HTTP/2 with prior knowledge) on SocketsHttpHandler.</summary>
/// <remarks>
/// Thread-safe; make one per target and share it. Non-OK statuses surface as <see cref="RpcException"/>; a call
/// cancelled through the caller's own token throws <see cref="OperationCanceledException"/>.
/// </remarks>
public sealed class GrpcChannel : IDisposable
{
    private readonly HttpMessageInvoker[] _invokers;
    private readonly ConcurrentDictionary<string, Uri> _uris = new(StringComparer.Ordinal);
    private readonly int _maxReceiveMessageSize;
    private int _next;

    /// <summary>Creates a channel to <paramref name="address"/> (e.g. http://127.0.0.1:2379).</summary>
    public GrpcChannel(Uri address, GrpcChannelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        options ??= new GrpcChannelOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Connections, 1);
        Address = address;
        _maxReceiveMessageSize = options.MaxReceiveMessageSize;
        _invokers = new HttpMessageInvoker[options.Connections];
        for (var i = 0; i < _invokers.Length; i++)
        {
            _invokers[i] = new HttpMessageInvoker(CreateHandler(options), disposeHandler: true);
        }
    }

    /// <summary>The server address.</summary>
    public Uri Address { get; }

    /// <summary>Makes a unary call; throws <see cref="RpcException"/> for a non-OK status.</summary>
    public async Task<TResp> UnaryAsync<TReq, TResp>(string fullMethod, TReq request, Marshaller<TReq> req,
        Marshaller<TResp> resp, IReadOnlyDictionary<string, string>? metadata = null, TimeSpan? timeout = null,
        CancellationToken ct = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (timeout is { } t)
        {
            cts.CancelAfter(t);
        }

        using var message = CreateRequest(fullMethod, UnaryRequestContent.Create(request, req), metadata, timeout);
        using var reader = new ClientResponseReader<TResp>(SendAsync(message, cts.Token), resp, _maxReceiveMessageSize,
            ct, cts, timeout is not null);
        if (!await reader.MoveNextAsync().ConfigureAwait(false))
        {
            throw new RpcException(StatusCode.Internal, "grpc: the server sent no response message");
        }

        var response = reader.Current;
        if (await reader.MoveNextAsync().ConfigureAwait(false))
        {
            throw new RpcException(StatusCode.Internal, "grpc: the server sent more than one response message");
        }

        return response;
    }

    /// <summary>Starts a call where both sides stream. Dispose the call to end it.</summary>
    public DuplexCall<TReq, TResp> Duplex<TReq, TResp>(string fullMethod, Marshaller<TReq> req, Marshaller<TResp> resp,
        IReadOnlyDictionary<string, string>? metadata = null, CancellationToken ct = default)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var content = new StreamingRequestContent();
        var message = CreateRequest(fullMethod, content, metadata, timeout: null);
        var responseTask = SendAsync(message, cts.Token);

        // If the request never gets going, writers waiting for the request stream must not hang.
        _ = responseTask.ContinueWith(static (t, s) => ((StreamingRequestContent)s!).Fail(
                t.Exception?.InnerException ?? new OperationCanceledException()),
            content, CancellationToken.None, TaskContinuationOptions.NotOnRanToCompletion, TaskScheduler.Default);
        var reader = new ClientResponseReader<TResp>(responseTask, resp, _maxReceiveMessageSize, ct, cts, hasDeadline: false);
        return new DuplexCall<TReq, TResp>(message, content, reader, req, cts, ct);
    }

    /// <summary>Makes a call with one request and a stream of responses.</summary>
    public async IAsyncEnumerable<TResp> ServerStreaming<TReq, TResp>(string fullMethod, TReq request, Marshaller<TReq> req,
        Marshaller<TResp> resp, IReadOnlyDictionary<string, string>? metadata = null, TimeSpan? timeout = null,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (timeout is { } t)
        {
            cts.CancelAfter(t);
        }

        using var message = CreateRequest(fullMethod, UnaryRequestContent.Create(request, req), metadata, timeout);
        using var reader = new ClientResponseReader<TResp>(SendAsync(message, cts.Token), resp, _maxReceiveMessageSize,
            ct, cts, timeout is not null);
        try
        {
            while (await reader.MoveNextAsync().ConfigureAwait(false))
            {
                yield return reader.Current;
            }
        }
        finally
        {
            // Leaving early (break, exception) resets the stream instead of leaving it open.
            if (!reader.Status.IsCompleted)
            {
                await cts.CancelAsync().ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var invoker in _invokers)
        {
            invoker.Dispose();
        }
    }

    private Task<HttpResponseMessage> SendAsync(HttpRequestMessage message, CancellationToken ct)
    {
        var invoker = _invokers.Length == 1
            ? _invokers[0]
            : _invokers[(int)((uint)Interlocked.Increment(ref _next) % (uint)_invokers.Length)];
        return invoker.SendAsync(message, ct);
    }

    private HttpRequestMessage CreateRequest(string fullMethod, HttpContent content,
        IReadOnlyDictionary<string, string>? metadata, TimeSpan? timeout)
    {
        var uri = _uris.GetOrAdd(fullMethod, static (path, baseUri) => new Uri(baseUri, path), Address);
        var message = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        var headers = message.Headers;
        headers.TryAddWithoutValidation("te", "trailers");
        if (timeout is { } t)
        {
            headers.TryAddWithoutValidation(GrpcProtocol.TimeoutHeader, GrpcTimeout.Format(t));
        }

        if (metadata is not null)
        {
            foreach (var (key, value) in metadata)
            {
                headers.TryAddWithoutValidation(key, value);
            }
        }

        return message;
    }

    private static SocketsHttpHandler CreateHandler(GrpcChannelOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            EnableMultipleHttp2Connections = options.EnableMultipleHttp2Connections,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            ConnectTimeout = options.ConnectTimeout,

            // Larger than the 64 KiB default so big responses and many parallel streams are not window-bound.
            InitialHttp2StreamWindowSize = 1024 * 1024,
        };
        if (options.KeepAlivePingDelay is { } delay)
        {
            handler.KeepAlivePingDelay = delay;
            handler.KeepAlivePingTimeout = TimeSpan.FromSeconds(20);
            handler.KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always;
        }

        return handler;
    }
}
