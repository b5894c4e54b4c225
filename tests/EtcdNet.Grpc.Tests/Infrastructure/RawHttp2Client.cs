using System.Buffers.Binary;
using System.Net.Sockets;

namespace EtcdNet.Grpc.Tests;

/// <summary>
/// An HTTP/2 client over a bare socket, for requests no library would send (a URL in <c>:authority</c>, broken HPACK);
/// responses are decoded with the server-side <see cref="HpackDecoder"/>.
/// </summary>
internal sealed class RawHttp2Client : IDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly HpackDecoder _decoder = new(4096);

    private RawHttp2Client(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public static async Task<RawHttp2Client> ConnectAsync(Uri address)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(address.Host, address.Port);
        var client = new RawHttp2Client(tcp);
        await client.SendAsync([.. Http2Frames.Preface, .. Http2Frames.Frame(Http2FrameType.Settings, 0, 0, [])]);
        return client;
    }

    public async Task SendAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>Sends a gRPC request (HEADERS with <paramref name="block"/>, then one DATA frame ending the stream).</summary>
    public Task SendRequestAsync(int streamId, byte[] block, byte[] message) => SendAsync(
    [
        .. Http2Frames.Frame(Http2FrameType.Headers, Http2FrameHeader.EndHeaders, streamId, block),
        .. Http2Frames.Frame(Http2FrameType.Data, Http2FrameHeader.EndStream, streamId, RawGrpc.Frame(message)),
    ]);

    /// <summary>Reads until the stream ends, is reset, or the connection is closed.</summary>
    public async Task<RawHttp2Response> ReadResponseAsync(int streamId)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var response = new RawHttp2Response();
        var block = new List<byte>();
        while (true)
        {
            var header = new byte[Http2FrameHeader.Size];
            try
            {
                await _stream.ReadExactlyAsync(header, cts.Token);
            }
            catch (EndOfStreamException)
            {
                response.Closed = true;
                return response;
            }

            var frame = Http2FrameHeader.Read(header);
            var payload = new byte[frame.Length];
            await _stream.ReadExactlyAsync(payload, cts.Token);
            switch (frame.Type)
            {
                case Http2FrameType.Settings when !frame.HasFlag(1):
                    await SendAsync(Http2Frames.Frame(Http2FrameType.Settings, 1, 0, []));
                    break;
                case Http2FrameType.GoAway:
                    response.GoAwayError = BinaryPrimitives.ReadInt32BigEndian(payload.AsSpan(4));
                    return response;
                case Http2FrameType.RstStream when frame.StreamId == streamId:
                    response.ResetError = BinaryPrimitives.ReadInt32BigEndian(payload);
                    return response;
                case Http2FrameType.Data when frame.StreamId == streamId:
                    response.Data.AddRange(payload);
                    break;
                case Http2FrameType.Headers or Http2FrameType.Continuation:
                    block.AddRange(payload);
                    if (!frame.HasFlag(Http2FrameHeader.EndHeaders))
                    {
                        break;
                    }

                    var fields = FieldRecorder.Decode(_decoder, block.ToArray());
                    block.Clear();
                    if (frame.StreamId == streamId)
                    {
                        (response.Headers.Count == 0 ? response.Headers : response.Trailers).AddRange(fields);
                    }

                    break;
            }

            if (frame.StreamId == streamId && frame.HasFlag(Http2FrameHeader.EndStream))
            {
                return response;
            }
        }
    }

    public void Dispose()
    {
        _decoder.Dispose();
        _tcp.Dispose();
    }
}

/// <summary>What came back on one stream, or how the server ended it.</summary>
internal sealed class RawHttp2Response
{
    public List<(string Name, string Value)> Headers { get; } = [];

    public List<(string Name, string Value)> Trailers { get; } = [];

    public List<byte> Data { get; } = [];

    public int? ResetError { get; set; }

    public int? GoAwayError { get; set; }

    public bool Closed { get; set; }

    /// <summary>The single gRPC message in the body, as UTF-8.</summary>
    public string Message => System.Text.Encoding.UTF8.GetString(Data.ToArray(), 5, Data.Count - 5);

    public string? Header(string name) => Headers.Concat(Trailers).Where(f => f.Name == name).Select(f => f.Value)
        .FirstOrDefault();
}
