using System.Net.Http;

namespace EtcdNet.Grpc.Tests;

public sealed class ClientErrorsTests
{
    [Fact]
    public void ConnectionClosedWithNoError_IsUnavailable()
    {
        // What SocketsHttpHandler throws on a duplex read after the server's GOAWAY(NO_ERROR) and close; it raced
        // the server's Unavailable trailers in DeadlineAndCancellationTests.ServerStop_CancelsOpenStreams.
        var closed = new HttpProtocolException(0x0, "The HTTP/2 server closed the connection. HTTP/2 error code 'NO_ERROR' (0x0).", null);

        var e = Assert.IsType<RpcException>(ClientErrors.Map(closed, CancellationToken.None, deadline: null));

        Assert.Equal(StatusCode.Unavailable, e.StatusCode);
    }

    [Theory]
    [InlineData(0x2L, StatusCode.Internal)]
    [InlineData(0x7L, StatusCode.Unavailable)]
    [InlineData(0x8L, StatusCode.Cancelled)]
    [InlineData(0xbL, StatusCode.ResourceExhausted)]
    public void StreamResets_FollowTheGrpcTable(long http2ErrorCode, StatusCode expected)
    {
        var reset = new HttpProtocolException(http2ErrorCode, "The HTTP/2 server reset the stream.", null);

        var e = Assert.IsType<RpcException>(ClientErrors.Map(reset, CancellationToken.None, deadline: null));

        Assert.Equal(expected, e.StatusCode);
    }
}
