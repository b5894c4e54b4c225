using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Grpc;
using EtcdNet.Server.Errors;

namespace EtcdNet.Server.Services.Watch;

/// <summary>etcdserverpb.Watch: one <see cref="ServerWatchStream"/> per call, multiplexing that client's watchers.</summary>
public sealed class WatchService(EtcdServer server)
{
    /// <summary>Room grpc-go leaves above --max-request-bytes (etcd's grpcOverheadBytes); fragments are cut below this.</summary>
    private const int GrpcOverheadBytes = 512 * 1024;

    /// <summary>
    /// Serves one Watch stream until the client goes away. As in etcd, a client that half-closes keeps receiving
    /// events until it cancels the call; a canceled call ends with etcd's "watch canceled".
    /// </summary>
    public async Task Watch(IAsyncStreamReader<WatchRequest> requests, IServerStreamWriter<WatchResponse> responses, CallContext context)
    {
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentNullException.ThrowIfNull(context);
        CancellationToken ct = context.CancellationToken;
        using var stream = new ServerWatchStream(server, server.Watchable.NewWatchStream(), responses,
            server.Options.MaxRequestBytes + GrpcOverheadBytes, ct)
        {
            Authorize = create => Auth.WatchPermission.Refusal(server, context, create),
        };
        Task sending = stream.SendLoopAsync();
        try
        {
            await stream.ReceiveLoopAsync(requests).ConfigureAwait(false);
            // Half-closed: the watchers stay until the call ends (or the sender fails).
            await sending.WaitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw EtcdErrors.WatchCanceled.ToException();
        }
        catch (Exception) when (ct.IsCancellationRequested)
        {
            // The read failed because the client reset the stream.
            throw EtcdErrors.WatchCanceled.ToException();
        }
        finally
        {
            // The send loop ends first, so that closing the store's stream never races it for the queue.
            stream.Stop();
            try
            {
                await sending.ConfigureAwait(false);
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
                // A write failed because the client went away.
            }
        }
    }
}
