namespace EtcdNet.Grpc;

/// <summary>Receives the fields an <see cref="HpackDecoder"/> decodes, in order; the spans live only for the call.</summary>
internal interface IHpackFieldSink
{
    /// <summary>One header field; <paramref name="neverIndexed"/> marks the sender's "never indexed" (sensitive) form.</summary>
    void OnField(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, bool neverIndexed);
}
