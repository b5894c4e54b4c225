namespace EtcdNet.Grpc;

/// <summary>A header block that breaks RFC 7541; for HTTP/2 this is a connection error of type COMPRESSION_ERROR.</summary>
internal sealed class HpackDecodingException : Exception
{
    /// <summary>Creates the exception with a message naming what was wrong.</summary>
    public HpackDecodingException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception without detail.</summary>
    public HpackDecodingException()
    {
    }

    /// <summary>Creates the exception wrapping a cause.</summary>
    public HpackDecodingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
