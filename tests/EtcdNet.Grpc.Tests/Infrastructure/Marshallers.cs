using System.Buffers;
using System.Text;

namespace EtcdNet.Grpc.Tests;

/// <summary>Message types for tests: UTF-8 strings and raw bytes.</summary>
internal static class Marshallers
{
    public static readonly Marshaller<string> String = new(
        static seq => Encoding.UTF8.GetString(seq),
        static s => Encoding.UTF8.GetByteCount(s),
        static (s, span) => Encoding.UTF8.GetBytes(s, span));

    public static readonly Marshaller<byte[]> Bytes = new(
        static seq => seq.ToArray(),
        static b => b.Length,
        static (b, span) => b.CopyTo(span));
}
