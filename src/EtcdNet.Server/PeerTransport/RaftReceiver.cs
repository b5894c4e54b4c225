using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Grpc;
using EtcdNet.Raft.Raftpb;
using EtcdNet.Server.Services;

namespace EtcdNet.Server.PeerTransport;

/// <summary>
/// The receiving half, mounted on the peer listener: checks who is calling, then hands messages and saved snapshots
/// to the server, and answers probes and a joining member's request for the member list.
/// </summary>
internal sealed class RaftReceiver(RaftTransport transport)
{
    private readonly RaftTransportOptions _options = transport.Options;

    public void Register(GrpcServiceRegistry registry)
    {
        registry.AddDuplexStreaming<MessageBatch, MessageBatch>(PeerWire.Service, "Stream",
            MessageBatch.Marshaller, MessageBatch.Marshaller, StreamAsync);
        registry.AddDuplexStreaming<ReadOnlyMemory<byte>, ReadOnlyMemory<byte>>(PeerWire.Service, "Snapshot",
            PeerWire.Bytes, PeerWire.Bytes, SnapshotAsync);
        registry.AddUnary<ReadOnlyMemory<byte>, ReadOnlyMemory<byte>>(PeerWire.Service, "Probe",
            PeerWire.Bytes, PeerWire.Bytes, static (_, _) => ValueTask.FromResult(ReadOnlyMemory<byte>.Empty));
        registry.AddUnary<MemberListRequest, MemberListResponse>(PeerWire.Service, "Members",
            ProtoMarshaller.For<MemberListRequest>(), ProtoMarshaller.For<MemberListResponse>(), Members);
        registry.AddUnary<HashKVRequest, HashKVResponse>(PeerWire.Service, "HashKV",
            ProtoMarshaller.For<HashKVRequest>(), ProtoMarshaller.For<HashKVResponse>(), HashKVAsync);
    }

    private async Task StreamAsync(IAsyncStreamReader<MessageBatch> requests, IServerStreamWriter<MessageBatch> responses,
        CallContext context)
    {
        var from = CheckSender(context);
        var fromText = PeerWire.FormatId(from);
        var ct = context.CancellationToken;
        await responses.WriteAsync(MessageBatch.Empty, ct).ConfigureAwait(false);
        PeerLog.StreamAccepted(transport.Logger, transport.LocalIdText, fromText);
        while (await requests.MoveNextAsync(ct).ConfigureAwait(false))
        {
            var batch = requests.Current;
            for (var i = 0; i < batch.Count; i++)
            {
                var message = batch.Messages[i];
                var counters = transport.CountersFor(message.From);
                if (transport.IsRemoved(message.From))
                {
                    // Removed while its stream was open: refuse the rest, as etcd answers a removed member.
                    counters.AddReceivedFailure();
                    throw new RpcException(StatusCode.FailedPrecondition, PeerWire.RemovedMember);
                }

                counters.AddReceived(batch.SizeOf(i));
                Process(message, counters);
            }
        }
    }

    private async Task SnapshotAsync(IAsyncStreamReader<ReadOnlyMemory<byte>> requests,
        IServerStreamWriter<ReadOnlyMemory<byte>> responses, CallContext context)
    {
        var from = CheckSender(context);
        var ct = context.CancellationToken;
        var counters = transport.CountersFor(from);
        if (!await requests.MoveNextAsync(ct).ConfigureAwait(false))
        {
            counters.AddReceivedFailure();
            throw new RpcException(StatusCode.InvalidArgument, "failed to decode raft message (missing snapshot message)");
        }

        Message message;
        var headSize = requests.Current.Length;
        try
        {
            message = Message.Parser.ParseFrom(requests.Current.Span);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException e)
        {
            counters.AddReceivedFailure();
            throw new RpcException(StatusCode.InvalidArgument, $"failed to decode raft message ({e.Message})");
        }

        if (message.Type != MessageType.MsgSnap)
        {
            counters.AddReceivedFailure();
            throw new RpcException(StatusCode.InvalidArgument, "wrong raft message type");
        }

        var directory = _options.SnapshotDirectory
            ?? throw new RpcException(StatusCode.FailedPrecondition, "no snapshot directory to save the snapshot in");
        var index = message.Snapshot?.Metadata?.Index ?? 0;
        long size;
        try
        {
            size = await SaveAsync(requests, directory, index, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            counters.AddReceivedFailure();
            PeerLog.SnapshotReceiveFailed(transport.Logger, transport.LocalIdText, PeerWire.FormatId(from), index, e.Message);
            throw new RpcException(StatusCode.Internal, $"failed to save KV snapshot ({e.Message})");
        }

        counters.AddReceived(headSize + size);
        counters.AddSnapshotReceived();
        PeerLog.SnapshotReceived(transport.Logger, transport.LocalIdText, PeerWire.FormatId(from), index, size);
        Process(message, counters);
        await responses.WriteAsync(ReadOnlyMemory<byte>.Empty, ct).ConfigureAwait(false);
    }

    /// <summary>Writes the db bytes to a temporary file, fsyncs it and renames it into place; returns its size.</summary>
    private static async Task<long> SaveAsync(IAsyncStreamReader<ReadOnlyMemory<byte>> requests, string directory,
        ulong index, CancellationToken ct)
    {
        Directory.CreateDirectory(directory);
        var target = SnapshotDbFile.PathFor(directory, index);
        var temporary = Path.Combine(directory, $"{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        long size = 0;
        try
        {
            var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0,
                FileOptions.Asynchronous);
            await using (file.ConfigureAwait(false))
            {
                while (await requests.MoveNextAsync(ct).ConfigureAwait(false))
                {
                    await file.WriteAsync(requests.Current, ct).ConfigureAwait(false);
                    size += requests.Current.Length;
                }

                file.Flush(flushToDisk: true);
            }

            // A db already saved for this index came from an earlier attempt of the same snapshot: keep it, as etcd does.
            if (File.Exists(target))
            {
                File.Delete(temporary);
            }
            else
            {
                File.Move(temporary, target);
            }

            return size;
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    private ValueTask<MemberListResponse> Members(MemberListRequest request, CallContext context)
    {
        var members = _options.CurrentMembers
            ?? throw new RpcException(StatusCode.Unavailable, "cluster information is not available");
        var response = new MemberListResponse
        {
            Header = new ResponseHeader { ClusterId = _options.ClusterId, MemberId = _options.LocalId },
        };
        foreach (var m in members())
        {
            var member = new Api.Etcdserverpb.Member { ID = m.Id, Name = m.Name, IsLearner = m.IsLearner };
            member.PeerURLs.AddRange(m.PeerUrls);
            member.ClientURLs.AddRange(m.ClientUrls);
            response.Members.Add(member);
        }

        return ValueTask.FromResult(response);
    }

    /// <summary>
    /// A peer's corruption check asking for this member's HashKV. Peers are trusted as for raft traffic, so this needs
    /// no client login when auth is on; errors carry etcd's texts, which the checker reads (compacted, future revision).
    /// </summary>
    private async ValueTask<HashKVResponse> HashKVAsync(HashKVRequest request, CallContext context)
    {
        var hashKV = _options.HashKV ?? throw new RpcException(StatusCode.Unavailable, "hash is not available");
        try
        {
            return await hashKV(request.Revision, context.CancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not RpcException && !context.CancellationToken.IsCancellationRequested)
        {
            throw Errors.ErrorMapping.ToRpcException(e);
        }
    }

    /// <summary>Refuses a call from another cluster, from a removed member, or meant for another member; returns the sender.</summary>
    private ulong CheckSender(CallContext context)
    {
        var clusterHeader = context.GetHeader(PeerWire.ClusterIdHeader);
        if (!PeerWire.TryParseId(clusterHeader, out var clusterId) || clusterId != _options.ClusterId)
        {
            PeerLog.ClusterIdRejected(transport.Logger, transport.LocalIdText, clusterHeader ?? "",
                PeerWire.FormatId(_options.ClusterId));
            throw new RpcException(StatusCode.FailedPrecondition, PeerWire.ClusterIdMismatch);
        }

        if (!PeerWire.TryParseId(context.GetHeader(PeerWire.FromHeader), out var from) || from == 0)
        {
            throw new RpcException(StatusCode.InvalidArgument, "invalid from");
        }

        if (transport.IsRemoved(from))
        {
            PeerLog.RemovedPeerRejected(transport.Logger, transport.LocalIdText, PeerWire.FormatId(from));
            throw new RpcException(StatusCode.FailedPrecondition, PeerWire.RemovedMember);
        }

        if (context.GetHeader(PeerWire.ToHeader) is { } to && (!PeerWire.TryParseId(to, out var toId) || toId != _options.LocalId))
        {
            throw new RpcException(StatusCode.FailedPrecondition, PeerWire.ToMismatch);
        }

        return from;
    }

    private void Process(Message message, PeerCounters counters)
    {
        try
        {
            transport.Handler.Process(message);
        }
        catch (Exception e)
        {
            // One message the server could not take must not cost the stream (and every message behind it).
            counters.AddReceivedFailure();
            PeerLog.ProcessFailed(transport.Logger, transport.LocalIdText, PeerWire.FormatId(message.From), e.Message);
        }
    }
}
