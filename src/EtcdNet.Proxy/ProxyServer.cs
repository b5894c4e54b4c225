using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EtcdNet.Proxy;

/// <summary>
/// A TCP proxy that accepts on one address and dials another for each connection, with faults injected per direction:
/// <see cref="Tx"/> for from→to (what the client sends), <see cref="Rx"/> for to→from (what the client receives).
/// </summary>
public sealed class ProxyServer : IAsyncDisposable
{
    private const int BufferSize = 48 * 1024;
    private static readonly TimeSpan DialTimeout = TimeSpan.FromSeconds(3);

    private readonly Socket _listener;
    private readonly ProxyAddress _to;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly ConcurrentDictionary<int, Task> _connections = new();
    private readonly Task _acceptLoop;
    private int _nextConnectionId;
    private int _disposed;

    private ProxyServer(Socket listener, ProxyAddress source, ProxyAddress to, ILogger logger)
    {
        _listener = listener;
        _to = to;
        _logger = logger;
        var bound = (IPEndPoint)listener.LocalEndPoint!;
        ListenEndPoint = bound;
        From = $"tcp://{(source with { Port = bound.Port })}";
        To = $"tcp://{to}";
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The faults on traffic from the proxy's clients to the target.</summary>
    public TrafficControl Tx { get; } = new();

    /// <summary>The faults on traffic from the target back to the proxy's clients.</summary>
    public TrafficControl Rx { get; } = new();

    /// <summary>"tcp://host:port" the proxy accepts on (the bound port when 0 was asked for).</summary>
    public string From { get; }

    /// <summary>"tcp://host:port" the proxy forwards to.</summary>
    public string To { get; }

    /// <summary>The address and port actually bound.</summary>
    public IPEndPoint ListenEndPoint { get; }

    /// <summary>Connections being piped right now.</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>Binds <paramref name="from"/> at once (so a bind error surfaces here) and starts accepting.</summary>
    public static ProxyServer Start(ProxyAddress from, ProxyAddress to, ILogger? logger = null)
    {
        var ip = from.ResolveForListen();
        var listener = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (ip.Equals(IPAddress.IPv6Any)) listener.DualMode = true;
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(new IPEndPoint(ip, from.Port));
            listener.Listen(512);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        var server = new ProxyServer(listener, from, to, logger ?? NullLogger.Instance);
        ProxyLog.Started(server._logger, server.From, server.To);
        return server;
    }

    /// <summary>Stops accepting, closes every connection and waits for their pipes to end.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _shutdown.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        try
        {
            await _acceptLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await Task.WhenAll(_connections.Values).ConfigureAwait(false);
        _shutdown.Dispose();
        ProxyLog.Closed(_logger, From, To);
    }

    private async Task AcceptLoopAsync()
    {
        var ct = _shutdown.Token;
        while (!ct.IsCancellationRequested)
        {
            Socket accepted;
            try
            {
                accepted = await _listener.AcceptAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException || ct.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                // A connection that died in the backlog (reset before accept) must not stop the proxy.
                continue;
            }

            // Registered before it runs, so a connection that ends at once is never removed before it is added.
            var id = Interlocked.Increment(ref _nextConnectionId);
            var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _connections[id] = ended.Task;
            _ = Task.Run(async () =>
            {
                try
                {
                    await ServeAsync(accepted, ct).ConfigureAwait(false);
                }
                finally
                {
                    _connections.TryRemove(id, out _);
                    ended.SetResult();
                }
            }, CancellationToken.None);
        }
    }

    private async Task ServeAsync(Socket client, CancellationToken ct)
    {
        try
        {
            client.NoDelay = true;
            var server = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                using var dial = CancellationTokenSource.CreateLinkedTokenSource(ct);
                dial.CancelAfter(DialTimeout);
                await server.ConnectAsync(_to.Host.Length == 0 ? "localhost" : _to.Host, _to.Port, dial.Token).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                server.Dispose();
                client.Dispose();
                if (!ct.IsCancellationRequested) ProxyLog.DialFailed(_logger, To, e);
                return;
            }

            await new ProxyConnection(client, server, Tx, Rx, BufferSize).RunAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            if (!ct.IsCancellationRequested) ProxyLog.ConnectionFailed(_logger, From, To, e);
        }
        finally
        {
            client.Dispose();
        }
    }
}
