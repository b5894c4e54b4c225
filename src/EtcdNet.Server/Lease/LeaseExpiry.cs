using EtcdNet.Api.Etcdserverpb;
using Microsoft.Extensions.Logging;

namespace EtcdNet.Server;

/// <summary>
/// Twice a second asks the lessor which leases ran out and proposes their revokes through the log, as etcd's
/// primary does: expiry is decided by the leader alone, but every member deletes the keys by applying the revoke.
/// </summary>
public sealed partial class LeaseExpiry : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);
    private readonly EtcdServer _server;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private int _running;

    public LeaseExpiry(EtcdServer server, TimeProvider time, ILogger logger)
    {
        _server = server;
        _logger = logger;
        _timer = time.CreateTimer(_ => Tick(), null, Interval, Interval);
    }

    private long _expired;

    /// <summary>Expired leases this member proposed to revoke (etcd's etcd_server_lease_expired_total).</summary>
    public long ExpiredTotal => Interlocked.Read(ref _expired);

    private void Tick()
    {
        // One pass at a time: a slow apply must not pile up overlapping passes.
        if (Interlocked.Exchange(ref _running, 1) == 1) return;
        try
        {
            foreach (var id in _server.Lessor.TakeExpired())
            {
                Interlocked.Increment(ref _expired);
                _ = RevokeAsync(id);
            }
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    private async Task RevokeAsync(long id)
    {
        try
        {
            await _server.ProposeAsync(_server.AsRoot(new InternalRaftRequest { LeaseRevoke = new LeaseRevokeRequest { ID = id } }), CancellationToken.None)
                .ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The lessor reports it again after its retry delay; a lease revoked meanwhile is simply gone.
            LogRevokeFailed(_logger, $"{id:x16}", e.Message);
        }
    }

    public async ValueTask DisposeAsync() => await _timer.DisposeAsync().ConfigureAwait(false);

    [LoggerMessage(EventId = 5200, Level = LogLevel.Debug, Message = "failed to revoke expired lease lease-id={LeaseId} error={Error}")]
    private static partial void LogRevokeFailed(ILogger logger, string leaseId, string error);
}
