using Microsoft.AspNetCore.Http.Features;

namespace EtcdNet.Grpc.Tests;

/// <summary>The "test.Echo" service the server tests call; <see cref="Probe"/> lets tests see inside handlers.</summary>
internal static class EchoService
{
    public const string Name = "test.Echo";

    public static void Register(GrpcServiceRegistry registry, Probe probe)
    {
        var s = Marshallers.String;
        registry.AddUnary(Name, "Say", s, s, static (req, _) => ValueTask.FromResult("echo:" + req));
        registry.AddUnary(Name, "Bytes", Marshallers.Bytes, Marshallers.Bytes, static (req, _) => ValueTask.FromResult(req));
        registry.AddUnary(Name, "Length", Marshallers.Bytes, s, static (req, _) =>
            ValueTask.FromResult(req.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        registry.AddUnary<string, string>(Name, "Fail", s, s,
            static (req, _) => throw new RpcException(StatusCode.InvalidArgument, req));
        registry.AddUnary<string, string>(Name, "Crash", s, s,
            static (req, _) => throw new InvalidOperationException(req));
        registry.AddUnary(Name, "Header", s, s, static (req, ctx) => ValueTask.FromResult(ctx.GetHeader(req) ?? "<null>"));
        registry.AddUnary(Name, "Peer", s, s, static (_, ctx) => ValueTask.FromResult(ctx.Peer));
        registry.AddUnary(Name, "Wait", s, s, async (_, ctx) =>
        {
            probe.Started.TrySetResult(ctx);
            try
            {
                await Task.Delay(Timeout.Infinite, ctx.CancellationToken);
            }
            finally
            {
                probe.Cancelled.TrySetResult(ctx.CancellationToken.IsCancellationRequested);
            }

            return "unreachable";
        });
        registry.AddUnary(Name, "IgnoreDeadline", s, s, async (_, ctx) =>
        {
            // Ignores its token, then answers after the deadline: the call must still end DeadlineExceeded.
            var deadline = ctx.Deadline ?? DateTime.UtcNow;
            while (DateTime.UtcNow < deadline.AddMilliseconds(50))
            {
                await Task.Yield();
                await Task.Delay(10, CancellationToken.None);
            }

            return "late";
        });

        registry.AddServerStreaming(Name, "Count", s, s, static async (req, writer, _) =>
        {
            for (var i = 0; i < int.Parse(req, System.Globalization.CultureInfo.InvariantCulture); i++)
            {
                await writer.WriteAsync(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        });
        registry.AddServerStreaming<string, string>(Name, "FailFirst", s, s,
            static (req, _, _) => throw new RpcException(StatusCode.NotFound, req));
        registry.AddServerStreaming(Name, "BodyLimits", s, s, static async (_, writer, ctx) =>
        {
            var size = ctx.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
            await writer.WriteAsync("size=" + (size?.MaxRequestBodySize?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"));
        });

        registry.AddDuplexStreaming(Name, "Chat", s, s, static async (requests, writer, _) =>
        {
            while (await requests.MoveNextAsync())
            {
                await writer.WriteAsync("echo:" + requests.Current);
            }
        });
        registry.AddDuplexStreaming(Name, "Fanout", s, s, static async (requests, writer, _) =>
        {
            // Several producers on one stream, as watch and lease streams have.
            while (await requests.MoveNextAsync())
            {
                var perProducer = int.Parse(requests.Current, System.Globalization.CultureInfo.InvariantCulture);
                var producers = new Task[4];
                for (var p = 0; p < producers.Length; p++)
                {
                    var id = p;
                    producers[p] = Task.Run(async () =>
                    {
                        for (var i = 0; i < perProducer; i++)
                        {
                            await writer.WriteAsync($"{id}:{i}:" + new string('x', i % 50));
                        }
                    });
                }

                await Task.WhenAll(producers);
            }
        });
        registry.AddDuplexStreaming<string, string>(Name, "FailAfterOne", s, s, static async (requests, writer, _) =>
        {
            await requests.MoveNextAsync();
            await writer.WriteAsync("first");
            throw new RpcException(StatusCode.FailedPrecondition, "etcdserver: " + requests.Current);
        });
        registry.AddDuplexStreaming<string, string>(Name, "Hold", s, s, async (_, writer, ctx) =>
        {
            await writer.WriteAsync("holding");
            probe.Started.TrySetResult(ctx);
            try
            {
                await Task.Delay(Timeout.Infinite, ctx.CancellationToken);
            }
            finally
            {
                probe.Cancelled.TrySetResult(ctx.CancellationToken.IsCancellationRequested);
            }
        });
    }

    /// <summary>Signals from inside a handler.</summary>
    public sealed class Probe
    {
        public TaskCompletionSource<CallContext> Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<bool> Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
