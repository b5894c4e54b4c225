using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;

namespace EtcdNet.Grpc.Tests;

/// <summary>Hand-built HTTP/2 requests, for input a well-behaved client would never send.</summary>
internal sealed class RawGrpc : IDisposable
{
    private readonly HttpClient _client;

    public RawGrpc(Uri address)
    {
        _client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = address };
    }

    public static byte[] Frame(byte[] payload, byte flag = 0, uint? declaredLength = null)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = flag;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), declaredLength ?? (uint)payload.Length);
        payload.CopyTo(frame, 5);
        return frame;
    }

    public async Task<RawResponse> PostAsync(string path, byte[] body, string contentType = "application/grpc",
        IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.TryAddWithoutValidation("te", "trailers");
        foreach (var (k, v) in headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(k, v);
        }

        using var response = await _client.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        return new RawResponse(response.StatusCode, response.Version, response.Content.Headers.ContentType?.MediaType,
            ToDictionary(response.Headers), ToDictionary(response.TrailingHeaders), bytes);
    }

    public void Dispose() => _client.Dispose();

    private static Dictionary<string, string> ToDictionary(HttpHeaders headers)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, values) in headers.NonValidated)
        {
            result[key] = string.Join(",", values);
        }

        return result;
    }
}

/// <summary>What came back: status line, headers, trailers and body bytes as received.</summary>
internal sealed record RawResponse(
    HttpStatusCode StatusCode,
    Version Version,
    string? ContentType,
    Dictionary<string, string> Headers,
    Dictionary<string, string> Trailers,
    byte[] Body)
{
    public string? HeaderOrNull(string name) => Headers.TryGetValue(name, out var v) ? v : null;

    public string? TrailerOrNull(string name) => Trailers.TryGetValue(name, out var v) ? v : null;
}
