using System.Text;

namespace EtcdNet.Grpc.Tests;

/// <summary>Hex for RFC vectors, and a sink that records decoded fields as strings.</summary>
internal static class HpackTestData
{
    public static byte[] Hex(string hex) => Convert.FromHexString(string.Concat(hex.Where(c => !char.IsWhiteSpace(c))));

    public static string Ascii(ReadOnlySpan<byte> bytes) => Encoding.ASCII.GetString(bytes);

    public static (string Name, string Value)[] DynamicEntries(HpackDynamicTable table)
    {
        var result = new (string, string)[table.Count];
        for (var i = 1; i <= table.Count; i++)
        {
            var (name, value) = table.Get(i);
            result[i - 1] = (Ascii(name.Span), Ascii(value.Span));
        }

        return result;
    }
}

/// <summary>Collects what a decoder emits.</summary>
internal sealed class FieldRecorder : IHpackFieldSink
{
    public List<(string Name, string Value)> Fields { get; } = [];

    public List<bool> NeverIndexed { get; } = [];

    public void OnField(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, bool neverIndexed)
    {
        Fields.Add((HpackTestData.Ascii(name), HpackTestData.Ascii(value)));
        NeverIndexed.Add(neverIndexed);
    }

    public static List<(string Name, string Value)> Decode(HpackDecoder decoder, ReadOnlySpan<byte> block)
    {
        var recorder = new FieldRecorder();
        decoder.Decode(block, recorder);
        return recorder.Fields;
    }
}
