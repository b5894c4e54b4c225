using System.IO.Pipelines;

namespace EtcdNet.Grpc.Tests;

public sealed class Http2InboundTranscoderTests
{
    private const byte EndStream = Http2FrameHeader.EndStream;
    private const byte EndHeaders = Http2FrameHeader.EndHeaders;
    private const byte Padded = Http2FrameHeader.Padded;
    private const byte Priority = Http2FrameHeader.PriorityFlag;

    private static readonly byte[] Settings = Http2Frames.Frame(Http2FrameType.Settings, 0, 0, [0, 4, 0, 1, 0, 0]);

    [Fact]
    public async Task Run_PaddedHeadersWithContinuations_ReencodesBlockAndRewritesAuthority()
    {
        var block = GrpcRequestBlock("http://127.0.0.1:2379");
        var priority = new byte[] { 0x80, 0, 0, 3, 15 }; // exclusive, depends on stream 3, weight 16
        var padding = new byte[7];
        byte[] headersPayload = [(byte)padding.Length, .. priority, .. block[..5], .. padding];
        var data = Http2Frames.Frame(Http2FrameType.Data, EndStream, 1, RawGrpc.Frame("hello"u8.ToArray()));
        var ping = Http2Frames.Frame(Http2FrameType.Ping, 0, 0, [1, 2, 3, 4, 5, 6, 7, 8]);
        byte[] input =
        [
            .. Http2Frames.Preface, .. Settings,
            .. Http2Frames.Frame(Http2FrameType.Headers, Padded | Priority, 1, headersPayload),
            .. Http2Frames.Frame(Http2FrameType.Continuation, 0, 1, block.AsSpan(5, 12)),
            .. Http2Frames.Frame(Http2FrameType.Continuation, EndHeaders, 1, block.AsSpan(17)),
            .. data, .. ping,
        ];

        var output = await TranscodeAsync(input);

        Assert.Equal(Http2Frames.Preface, output[..24]);
        var frames = Http2Frames.Parse(output.AsSpan(24));
        Assert.Equal(5, frames.Count);
        Assert.Equal(Settings, Http2Frames.Frame(frames[0].Header.Type, frames[0].Header.Flags, 0, frames[0].Payload));

        // The stream opens at once with its priority and no fragment; the whole block follows in one CONTINUATION.
        Assert.Equal(new Http2FrameHeader(5, Http2FrameType.Headers, Priority, 1), frames[1].Header);
        Assert.Equal(priority, frames[1].Payload);
        Assert.Equal(Http2FrameType.Continuation, frames[2].Header.Type);
        Assert.Equal(EndHeaders, frames[2].Header.Flags);
        AssertStatelessRequest(frames[2].Payload, "127.0.0.1:2379");
        Assert.Equal(data, Http2Frames.Frame(frames[3].Header.Type, frames[3].Header.Flags, 1, frames[3].Payload));
        Assert.Equal(ping, Http2Frames.Frame(frames[4].Header.Type, frames[4].Header.Flags, 0, frames[4].Payload));
    }

    [Fact]
    public async Task Run_SecondRequestReferencingIndexedAuthority_IsRewrittenToo()
    {
        // The first block indexes ":authority: http://..."; the second refers to it by index, as grpc-go does.
        var first = GrpcRequestBlock("http://127.0.0.1:2379");
        var second = new HpackBlockBuilder().Indexed(3).Indexed(6).Indexing(4, "/etcdserverpb.KV/Range")
            .Indexed(64).Indexed(63).Indexed(65).ToArray();
        byte[] input =
        [
            .. Http2Frames.Preface,
            .. Http2Frames.Frame(Http2FrameType.Headers, EndHeaders | EndStream, 1, first),
            .. Http2Frames.Frame(Http2FrameType.Headers, EndHeaders, 3, second),
        ];

        var output = await TranscodeAsync(input);

        var frames = Http2Frames.Parse(output.AsSpan(24));
        Assert.Equal(2, frames.Count);
        Assert.Equal(new Http2FrameHeader(frames[0].Payload.Length, Http2FrameType.Headers, EndHeaders | EndStream, 1),
            frames[0].Header);
        Assert.Equal(new Http2FrameHeader(frames[1].Payload.Length, Http2FrameType.Headers, EndHeaders, 3), frames[1].Header);
        AssertStatelessRequest(frames[0].Payload, "127.0.0.1:2379");
        using var decoder = new HpackDecoder(0);
        var fields = FieldRecorder.Decode(decoder, frames[1].Payload);
        Assert.Equal([(":method", "POST"), (":scheme", "http"), (":path", "/etcdserverpb.KV/Range"),
            ("content-type", "application/grpc"), ("te", "trailers"), (":authority", "127.0.0.1:2379")], fields);
    }

    [Fact]
    public async Task Run_BlockLargerThanMaxFrameSize_IsSplitIntoContinuations()
    {
        // Huffman keeps the client's frames under 16 KiB; the plain re-encoding of the value is not.
        var value = new string('x', 18000);
        var block = new HpackBlockBuilder().Indexed(3).Indexed(6).NotIndexed(4, "/a")
            .Indexing("x-big", value).Indexing(1, "http://h:1").ToArray();
        Assert.True(block.Length < 16384);
        var priority = new byte[] { 0, 0, 0, 0, 200 };
        byte[] input =
        [
            .. Http2Frames.Preface,
            .. Http2Frames.Frame(Http2FrameType.Headers, EndHeaders | EndStream | Priority, 1, [.. priority, .. block]),
        ];

        var output = await TranscodeAsync(input, maxHeaderListSize: 64 * 1024);

        var frames = Http2Frames.Parse(output.AsSpan(24));
        Assert.Equal(2, frames.Count);
        Assert.Equal(new Http2FrameHeader(16384, Http2FrameType.Headers, EndStream | Priority, 1), frames[0].Header);
        Assert.Equal(priority, frames[0].Payload[..5]);
        Assert.Equal(Http2FrameType.Continuation, frames[1].Header.Type);
        Assert.Equal(EndHeaders, frames[1].Header.Flags);
        Assert.Equal(1, frames[1].Header.StreamId);
        using var decoder = new HpackDecoder(0);
        var fields = FieldRecorder.Decode(decoder, [.. frames[0].Payload[5..], .. frames[1].Payload]);
        Assert.Equal([(":method", "POST"), (":scheme", "http"), (":path", "/a"), ("x-big", value), (":authority", "h:1")],
            fields);
    }

    [Fact]
    public async Task Run_SensitiveField_StaysNeverIndexed()
    {
        var block = new HpackBlockBuilder().Indexed(3).NeverIndexed("token", "secret").ToArray();
        byte[] input = [.. Http2Frames.Preface, .. Http2Frames.Frame(Http2FrameType.Headers, EndHeaders, 1, block)];

        var output = await TranscodeAsync(input);

        var frames = Http2Frames.Parse(output.AsSpan(24));
        using var decoder = new HpackDecoder(0);
        var recorder = new FieldRecorder();
        decoder.Decode(frames[0].Payload, recorder);
        Assert.Equal([(":method", "POST"), ("token", "secret")], recorder.Fields);
        Assert.Equal([false, true], recorder.NeverIndexed);
    }

    [Fact]
    public async Task Run_BadHpack_SendsBlockTheServerRejectsThenCopiesBytes()
    {
        var after = Http2Frames.Frame(Http2FrameType.Headers, EndHeaders, 3, [0xff, 0xff, 0xff]);
        byte[] input =
        [
            .. Http2Frames.Preface,
            .. Http2Frames.Frame(Http2FrameType.Headers, EndHeaders | EndStream, 1, [0x82, 0xbe]), // index 62: empty table
            .. after,
        ];

        var output = await TranscodeAsync(input);

        var frames = Http2Frames.Parse(output.AsSpan(24));
        Assert.Equal(new Http2FrameHeader(1, Http2FrameType.Headers, EndHeaders | EndStream, 1), frames[0].Header);
        Assert.Equal([0xbe], frames[0].Payload);
        Assert.Equal(after, output[^after.Length..]);
    }

    [Fact]
    public async Task Run_FrameInterleavedInHeaderBlock_IsForwardedForTheServerToReject()
    {
        var block = GrpcRequestBlock("http://h:1");
        var ping = Http2Frames.Frame(Http2FrameType.Ping, 0, 0, new byte[8]);
        var continuation = Http2Frames.Frame(Http2FrameType.Continuation, EndHeaders, 1, block.AsSpan(4));
        byte[] input =
        [
            .. Http2Frames.Preface,
            .. Http2Frames.Frame(Http2FrameType.Headers, 0, 1, block.AsSpan(0, 4)),
            .. ping, .. continuation,
        ];

        var output = await TranscodeAsync(input);

        Assert.Equal([.. Http2Frames.Frame(Http2FrameType.Headers, 0, 1, []), .. ping, .. continuation], output[24..]);
    }

    [Fact]
    public async Task Run_BytesArrivingOneAtATime_GiveTheSameOutput()
    {
        var block = GrpcRequestBlock("http://127.0.0.1:2379");
        var body = RawGrpc.Frame(Enumerable.Range(0, 3000).Select(i => (byte)i).ToArray());
        byte[] input =
        [
            .. Http2Frames.Preface, .. Settings,
            .. Http2Frames.Frame(Http2FrameType.Headers, 0, 1, block.AsSpan(0, 9)),
            .. Http2Frames.Frame(Http2FrameType.Continuation, EndHeaders, 1, block.AsSpan(9)),
            .. Http2Frames.Frame(Http2FrameType.Data, EndStream, 1, body),
        ];

        var whole = await TranscodeAsync(input);
        var trickled = await TranscodeAsync(input, chunk: 1);

        Assert.Equal(whole, trickled);
        Assert.Equal(input[^(body.Length + 9)..], whole[^(body.Length + 9)..]);
    }

    [Fact]
    public async Task Run_ServerStopsReading_EndsAndCompletesInput()
    {
        var input = new Pipe();
        var output = new Pipe();
        using var transcoder = new Http2InboundTranscoder(input.Reader, output.Writer, 4096, 16384, 32 * 1024);
        var run = transcoder.RunAsync();

        await output.Reader.CompleteAsync();
        await input.Writer.WriteAsync(Http2Frames.Preface);
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        // The transcoder completed its reader: the writer learns the reader is gone.
        var flush = await input.Writer.WriteAsync(Settings);
        Assert.True(flush.IsCompleted);
    }

    [Fact]
    public async Task Run_InputFails_HandsTheErrorToTheServer()
    {
        var input = new Pipe();
        var output = new Pipe();
        using var transcoder = new Http2InboundTranscoder(input.Reader, output.Writer, 4096, 16384, 32 * 1024);
        var run = transcoder.RunAsync();

        await input.Writer.WriteAsync(Http2Frames.Preface);
        await input.Writer.CompleteAsync(new IOException("connection reset"));
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        var error = await Assert.ThrowsAsync<IOException>(async () =>
        {
            while (true)
            {
                var result = await output.Reader.ReadAsync();
                output.Reader.AdvanceTo(result.Buffer.End);
                Assert.False(result.IsCompleted, "completed without the error");
            }
        });
        Assert.Equal("connection reset", error.Message);
    }

    /// <summary>A request block as grpc-go would encode it: Huffman strings, new fields indexed.</summary>
    private static byte[] GrpcRequestBlock(string authority) => new HpackBlockBuilder()
        .Indexed(3) // :method POST
        .Indexed(6) // :scheme http
        .Indexing(4, "/etcdserverpb.Maintenance/Status") // :path
        .Indexing(1, authority) // :authority
        .Indexing(31, "application/grpc") // content-type
        .Indexing("te", "trailers")
        .ToArray();

    private static void AssertStatelessRequest(byte[] block, string authority)
    {
        // A decoder whose table holds nothing must read it, and nothing may be added to its table.
        using var decoder = new HpackDecoder(0);
        var fields = FieldRecorder.Decode(decoder, block);
        Assert.Equal([(":method", "POST"), (":scheme", "http"), (":path", "/etcdserverpb.Maintenance/Status"),
            (":authority", authority), ("content-type", "application/grpc"), ("te", "trailers")], fields);
        Assert.Equal(0, decoder.DynamicTable.Count);
    }

    private static async Task<byte[]> TranscodeAsync(byte[] input, int chunk = int.MaxValue, int maxHeaderListSize = 32 * 1024)
    {
        var inbound = new Pipe();
        var outbound = new Pipe();
        using var transcoder = new Http2InboundTranscoder(inbound.Reader, outbound.Writer, 4096, 16384, maxHeaderListSize);
        var run = transcoder.RunAsync();
        var collect = ReadAllAsync(outbound.Reader);
        for (var i = 0; i < input.Length; i += chunk)
        {
            await inbound.Writer.WriteAsync(input.AsMemory(i, Math.Min(chunk, input.Length - i)));
        }

        await inbound.Writer.CompleteAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        return await collect.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static async Task<byte[]> ReadAllAsync(PipeReader reader)
    {
        var bytes = new List<byte>();
        while (true)
        {
            var result = await reader.ReadAsync();
            foreach (var segment in result.Buffer)
            {
                bytes.AddRange(segment.ToArray());
            }

            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                await reader.CompleteAsync();
                return bytes.ToArray();
            }
        }
    }
}
