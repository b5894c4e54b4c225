using System.Security.Cryptography;
using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Grpc;
using EtcdNet.Storage;
using Google.Protobuf;

namespace EtcdNet.Server.Services.Maintenance;

/// <summary>
/// Streams a consistent copy of the backend as etcd's Snapshot RPC does: 32 KiB blobs, each with the bytes still to
/// come, then one last message carrying the SHA-256 of everything sent, which `etcdctl snapshot restore` checks.
/// </summary>
public static class SnapshotStream
{
    /// <summary>etcd's snapshotSendBufferSize: several OS pages per message.</summary>
    public const int ChunkSize = 32 * 1024;

    /// <summary>Copies <paramref name="backend"/> to a temporary file beside it and sends that file, then deletes it.</summary>
    public static async Task SendAsync(Backend backend, IServerStreamWriter<SnapshotResponse> responses, CancellationToken ct)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(backend.Path)) ?? ".";
        string copy = Path.Combine(dir, $"snapshot-{Guid.NewGuid():N}.tmp");
        try
        {
            await Task.Run(() =>
            {
                // etcd's backend snapshot force-commits first, so the copy holds every applied write.
                backend.Commit();
                backend.SnapshotTo(copy);
            }, ct).ConfigureAwait(false);

            await using var file = new FileStream(copy, FileMode.Open, FileAccess.Read, FileShare.Read, ChunkSize, useAsync: true);
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long total = file.Length;
            long sent = 0;
            byte[] buffer = new byte[ChunkSize];
            while (sent < total)
            {
                int n = await file.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
                if (n == 0)
                {
                    throw new IOException($"snapshot copy {copy} ended at {sent} of {total} bytes");
                }
                sent += n;
                sha.AppendData(buffer, 0, n);
                await responses.WriteAsync(new SnapshotResponse
                {
                    RemainingBytes = (ulong)(total - sent),
                    Blob = ByteString.CopyFrom(buffer, 0, n),
                }, ct).ConfigureAwait(false);
            }
            await responses.WriteAsync(new SnapshotResponse { RemainingBytes = 0, Blob = ByteString.CopyFrom(sha.GetHashAndReset()) }, ct)
                .ConfigureAwait(false);
        }
        finally
        {
            File.Delete(copy);
        }
    }
}
