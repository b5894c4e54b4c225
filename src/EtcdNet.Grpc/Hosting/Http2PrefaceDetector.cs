using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace EtcdNet.Grpc;

/// <summary>
/// Connection middleware that lets one cleartext port serve h2c (gRPC) and HTTP/1.1, as etcd's cmux does.
/// </summary>
/// <remarks>
/// Kestrel picks HTTP/1.1 for a cleartext Http1AndHttp2 endpoint because it has no ALPN to go by. When the
/// connection opens with the HTTP/2 preface we present the ALPN result "h2" (behind a placeholder TLS feature,
/// since Kestrel only consults ALPN on TLS connections), and Kestrel's protocol selection then runs HTTP/2.
/// This leans on Kestrel's internal selection logic; the tests on this port guard it.
/// </remarks>
internal static class Http2PrefaceDetector
{
    private static ReadOnlySpan<byte> Preface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    public static async Task OnConnectionAsync(ConnectionContext connection, ConnectionDelegate next, KestrelServerLimits limits)
    {
        var timeout = limits.RequestHeadersTimeout;
        bool isHttp2;
        using (var cts = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed))
        {
            // Kestrel's own header timeouts only start once it has the bytes we are holding back, so bound the wait
            // here: a connection that never says enough to decide must not sit here forever.
            cts.CancelAfter(timeout);
            try
            {
                isHttp2 = await StartsWithPrefaceAsync(connection.Transport.Input, cts.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
                connection.Abort();
                return;
            }
        }

        if (isHttp2)
        {
            connection.Features.Set<ITlsConnectionFeature>(PlaceholderTls.Instance);
            connection.Features.Set<ITlsApplicationProtocolFeature>(H2Protocol.Instance);
            await TranscodedHttp2Connection.RunAsync(connection, next, limits).ConfigureAwait(false);
            return;
        }

        await next(connection).ConfigureAwait(false);
    }

    /// <summary>Peeks at the first bytes without consuming them, so Kestrel reads them again.</summary>
    private static async ValueTask<bool> StartsWithPrefaceAsync(PipeReader input, CancellationToken ct)
    {
        SequencePosition? examined = null;
        while (true)
        {
            var result = await input.ReadAsync(ct).ConfigureAwait(false);
            var buffer = result.Buffer;
            var verdict = Compare(buffer);
            if (verdict is not null || result.IsCompleted || result.IsCanceled)
            {
                // Examined may not move backwards; leaving it where the last wait put it keeps the newer bytes
                // unexamined, so Kestrel's first read returns at once.
                input.AdvanceTo(buffer.Start, examined ?? buffer.Start);
                return verdict ?? false;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            examined = buffer.End;
        }
    }

    /// <summary>True or false once the buffered bytes decide it, null while they are a proper prefix of the preface.</summary>
    private static bool? Compare(in ReadOnlySequence<byte> buffer)
    {
        var length = (int)Math.Min(buffer.Length, Preface.Length);
        Span<byte> head = stackalloc byte[Preface.Length];
        buffer.Slice(0, length).CopyTo(head);
        if (!head[..length].SequenceEqual(Preface[..length]))
        {
            return false;
        }

        return length == Preface.Length ? true : null;
    }

    private sealed class PlaceholderTls : ITlsConnectionFeature
    {
        public static readonly PlaceholderTls Instance = new();

        public X509Certificate2? ClientCertificate { get => null; set { } }

        public Task<X509Certificate2?> GetClientCertificateAsync(CancellationToken cancellationToken) =>
            Task.FromResult<X509Certificate2?>(null);
    }

    private sealed class H2Protocol : ITlsApplicationProtocolFeature
    {
        public static readonly H2Protocol Instance = new();

        public ReadOnlyMemory<byte> ApplicationProtocol { get; } = "h2"u8.ToArray();
    }
}
