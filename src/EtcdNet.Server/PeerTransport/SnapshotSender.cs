using System.Buffers;
using EtcdNet.Grpc;
using EtcdNet.Raft.Raftpb;
using Google.Protobuf;

namespace EtcdNet.Server.PeerTransport;

/// <summary>
/// Uploads one MsgSnap: the message, then the snapshot database in chunks, on a connection of its own so megabytes
/// of db never queue ahead of heartbeats. Reports the outcome to raft exactly once.
/// </summary>
internal static class SnapshotSender
{
    /// <summary>Chunk size: well under the receiver's frame limit, big enough that framing costs nothing.</summary>
    public const int ChunkSize = 64 * 1024;

    public static async Task SendAsync(Peer peer, RaftTransport transport, Message message, CancellationToken ct)
    {
        var options = transport.Options;
        var index = message.Snapshot?.Metadata?.Index ?? 0;
        var idText = PeerWire.FormatId(peer.Id);
        var url = peer.CurrentUrl;
        PeerLog.SnapshotSending(transport.Logger, transport.LocalIdText, idText, index);
        long sent = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            using var channel = transport.CreateChannel(url);
            await using var call = channel.Duplex(PeerWire.SnapshotPath, PeerWire.Bytes, PeerWire.Bytes, peer.Metadata, ct);
            var head = message.ToByteArray();
            await call.WriteAsync(head).AsTask().WaitAsync(options.WriteTimeout, ct).ConfigureAwait(false);
            sent += head.Length;

            var data = options.OpenSnapshotData?.Invoke(message) ?? Stream.Null;
            await using (data.ConfigureAwait(false))
            {
                int n;
                while ((n = await data.ReadAsync(buffer.AsMemory(0, ChunkSize), ct).ConfigureAwait(false)) > 0)
                {
                    await call.WriteAsync(buffer.AsMemory(0, n)).AsTask().WaitAsync(options.WriteTimeout, ct)
                        .ConfigureAwait(false);
                    sent += n;
                }
            }

            await call.CompleteAsync().ConfigureAwait(false);

            // The receiver answers once the file is on its disk and the message is with its raft loop.
            if (!await call.Responses.MoveNextAsync(ct).AsTask().WaitAsync(options.WriteTimeout, ct).ConfigureAwait(false))
            {
                throw new IOException("the peer ended the snapshot upload without an answer");
            }

            peer.Counters.AddSent(sent);
            peer.Counters.AddSnapshotSent();
            PeerLog.SnapshotSent(transport.Logger, transport.LocalIdText, idText, index, sent);
            transport.ReportSnapshot(peer.Id, failed: false);
        }
        catch (Exception e)
        {
            peer.Counters.AddSnapshotSendFailure();
            peer.Counters.AddSentFailures(1);
            if (ct.IsCancellationRequested)
            {
                return; // the peer was removed or the transport stopped: nobody is waiting for the outcome
            }

            PeerLog.SnapshotSendFailed(transport.Logger, transport.LocalIdText, idText, index, Peer.Describe(e));
            if (e is RpcException { StatusCode: StatusCode.FailedPrecondition, Detail: PeerWire.RemovedMember })
            {
                transport.OnRemovedByPeer(peer.Id);
            }

            // As etcd: the follower is unreachable for now, and raft may try another snapshot later.
            peer.MarkUnreachable(url);
            transport.ReportUnreachable(peer.Id);
            transport.ReportSnapshot(peer.Id, failed: true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
