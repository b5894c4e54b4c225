using System.Text;

namespace EtcdNet.Grpc.Tests;

/// <summary>A minimal client-side HPACK encoder for tests: each call appends one representation.</summary>
internal sealed class HpackBlockBuilder
{
    private readonly List<byte> _bytes = [];

    public HpackBlockBuilder Indexed(int index) => Integer(index, 7, 0x80);

    /// <summary>Literal with incremental indexing, name from a table index.</summary>
    public HpackBlockBuilder Indexing(int nameIndex, string value, bool huffman = true) =>
        Integer(nameIndex, 6, 0x40).String(value, huffman);

    /// <summary>Literal with incremental indexing and a literal name.</summary>
    public HpackBlockBuilder Indexing(string name, string value, bool huffman = true) =>
        Integer(0, 6, 0x40).String(name, huffman).String(value, huffman);

    /// <summary>Literal without indexing, name from a table index.</summary>
    public HpackBlockBuilder NotIndexed(int nameIndex, string value, bool huffman = false) =>
        Integer(nameIndex, 4, 0x00).String(value, huffman);

    /// <summary>Literal never indexed with a literal name.</summary>
    public HpackBlockBuilder NeverIndexed(string name, string value) =>
        Integer(0, 4, 0x10).String(name, false).String(value, false);

    public HpackBlockBuilder SizeUpdate(int size) => Integer(size, 5, 0x20);

    public byte[] ToArray() => _bytes.ToArray();

    private HpackBlockBuilder Integer(int value, int prefixBits, byte flags)
    {
        var buffer = new byte[8];
        var n = HpackInteger.Encode(buffer, value, prefixBits, flags);
        _bytes.AddRange(buffer[..n]);
        return this;
    }

    private HpackBlockBuilder String(string s, bool huffman)
    {
        var raw = Encoding.ASCII.GetBytes(s);
        if (!huffman)
        {
            Integer(raw.Length, 7, 0x00);
            _bytes.AddRange(raw);
            return this;
        }

        var encoded = new byte[HpackHuffman.EncodedLength(raw)];
        HpackHuffman.Encode(raw, encoded);
        Integer(encoded.Length, 7, 0x80);
        _bytes.AddRange(encoded);
        return this;
    }
}
