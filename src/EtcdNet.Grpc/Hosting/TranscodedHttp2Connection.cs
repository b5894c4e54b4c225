using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace EtcdNet.Grpc;

/// <summary>
/// Runs an h2c connection with its inbound bytes going through <see cref="Http2InboundTranscoder"/>, so Kestrel
/// accepts the <c>:authority: http://host:port</c> that etcdctl 3.4's maintenance commands send.
/// </summary>
internal static class TranscodedHttp2Connection
{
    public static async Task RunAsync(ConnectionContext connection, ConnectionDelegate next, KestrelServerLimits limits)
    {
        var original = connection.Transport;
        var pool = connection.Features.Get<IMemoryPoolFeature>()?.MemoryPool;

        // Kestrel's loop runs inline on the pump's flush, as it would on the socket's own pipe; the thresholds are
        // those of Kestrel's socket input (MaxRequestBufferSize, 1 MiB by default).
        var pause = limits.MaxRequestBufferSize ?? 0;
        var pipe = new Pipe(new PipeOptions(
            pool: pool,
            readerScheduler: PipeScheduler.Inline,
            writerScheduler: PipeScheduler.ThreadPool,
            pauseWriterThreshold: pause,
            resumeWriterThreshold: pause / 2,
            useSynchronizationContext: false));

        using var transcoder = new Http2InboundTranscoder(original.Input, pipe.Writer, limits.Http2.HeaderTableSize,
            limits.Http2.MaxFrameSize, limits.MaxRequestHeadersTotalSize);
        var pump = transcoder.RunAsync();
        connection.Transport = new DuplexPipe(pipe.Reader, original.Output);
        try
        {
            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            connection.Transport = original;

            // Kestrel is done with the connection; a pump still waiting for client bytes stops now.
            if (!pump.IsCompleted)
            {
                original.Input.CancelPendingRead();
            }

            await pump.ConfigureAwait(false);
            await pipe.Reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
