namespace EtcdNet.Grpc.Tests;

/// <summary>RFC 7541 Appendix C vectors and the decoder's error rules.</summary>
public sealed class HpackDecoderTests
{
    private const string Date21 = "Mon, 21 Oct 2013 20:13:21 GMT";
    private const string Date22 = "Mon, 21 Oct 2013 20:13:22 GMT";
    private const string Location = "https://www.example.com";
    private const string Cookie = "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1";

    public static TheoryData<string, string, string, string, bool, int> C2Vectors => new()
    {
        // name, block, field name, field value, never indexed, dynamic table entries after
        { "C.2.1", "400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572", "custom-key", "custom-header", false, 1 },
        { "C.2.2", "040c 2f73 616d 706c 652f 7061 7468", ":path", "/sample/path", false, 0 },
        { "C.2.3", "1008 7061 7373 776f 7264 0673 6563 7265 74", "password", "secret", true, 0 },
        { "C.2.4", "82", ":method", "GET", false, 0 },
    };

    [Theory]
    [MemberData(nameof(C2Vectors))]
    public void Decode_C2SingleField_GivesFieldAndTable(string vector, string hex, string name, string value,
        bool neverIndexed, int entries)
    {
        using var decoder = new HpackDecoder(4096);
        var recorder = new FieldRecorder();

        decoder.Decode(HpackTestData.Hex(hex), recorder);

        Assert.True(recorder.Fields.SequenceEqual([(name, value)]), vector);
        Assert.Equal([neverIndexed], recorder.NeverIndexed);
        Assert.Equal(entries, decoder.DynamicTable.Count);
        Assert.Equal(entries == 0 ? 0 : 55, decoder.DynamicTable.Size);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Decode_C3C4RequestSeries_TracksDynamicTable(bool huffman)
    {
        string[] blocks = huffman
            ? ["8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff",
               "8286 84be 5886 a8eb 1064 9cbf",
               "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf"]
            : ["8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
               "8286 84be 5808 6e6f 2d63 6163 6865",
               "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65"];
        using var decoder = new HpackDecoder(4096);

        var first = FieldRecorder.Decode(decoder, HpackTestData.Hex(blocks[0]));
        var table1 = HpackTestData.DynamicEntries(decoder.DynamicTable);
        var size1 = decoder.DynamicTable.Size;
        var second = FieldRecorder.Decode(decoder, HpackTestData.Hex(blocks[1]));
        var table2 = HpackTestData.DynamicEntries(decoder.DynamicTable);
        var size2 = decoder.DynamicTable.Size;
        var third = FieldRecorder.Decode(decoder, HpackTestData.Hex(blocks[2]));
        var table3 = HpackTestData.DynamicEntries(decoder.DynamicTable);

        Assert.Equal([(":method", "GET"), (":scheme", "http"), (":path", "/"), (":authority", "www.example.com")], first);
        Assert.Equal([(":authority", "www.example.com")], table1);
        Assert.Equal(57, size1);
        Assert.Equal([(":method", "GET"), (":scheme", "http"), (":path", "/"), (":authority", "www.example.com"),
            ("cache-control", "no-cache")], second);
        Assert.Equal([("cache-control", "no-cache"), (":authority", "www.example.com")], table2);
        Assert.Equal(110, size2);
        Assert.Equal([(":method", "GET"), (":scheme", "https"), (":path", "/index.html"),
            (":authority", "www.example.com"), ("custom-key", "custom-value")], third);
        Assert.Equal([("custom-key", "custom-value"), ("cache-control", "no-cache"), (":authority", "www.example.com")],
            table3);
        Assert.Equal(164, decoder.DynamicTable.Size);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Decode_C5C6ResponseSeriesWith256ByteTable_Evicts(bool huffman)
    {
        string[] blocks = huffman
            ? ["""
               4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6
               2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3
               """,
               "4883 640e ffc1 c0bf",
               """
               88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab
               77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f
               9587 3160 65c0 03ed 4ee5 b106 3d50 07
               """]
            : ["""
               4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133
               2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70
               6c65 2e63 6f6d
               """,
               "4803 3330 37c1 c0bf",
               """
               88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d
               54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049
               5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e
               3d31
               """];
        using var decoder = new HpackDecoder(256);

        var first = FieldRecorder.Decode(decoder, HpackTestData.Hex(blocks[0]));
        var table1 = HpackTestData.DynamicEntries(decoder.DynamicTable);
        var size1 = decoder.DynamicTable.Size;
        var second = FieldRecorder.Decode(decoder, HpackTestData.Hex(blocks[1]));
        var table2 = HpackTestData.DynamicEntries(decoder.DynamicTable);
        var size2 = decoder.DynamicTable.Size;
        var third = FieldRecorder.Decode(decoder, HpackTestData.Hex(blocks[2]));
        var table3 = HpackTestData.DynamicEntries(decoder.DynamicTable);

        Assert.Equal([(":status", "302"), ("cache-control", "private"), ("date", Date21), ("location", Location)], first);
        Assert.Equal([("location", Location), ("date", Date21), ("cache-control", "private"), (":status", "302")], table1);
        Assert.Equal(222, size1);
        Assert.Equal([(":status", "307"), ("cache-control", "private"), ("date", Date21), ("location", Location)], second);
        Assert.Equal([(":status", "307"), ("location", Location), ("date", Date21), ("cache-control", "private")], table2);
        Assert.Equal(222, size2);
        Assert.Equal([(":status", "200"), ("cache-control", "private"), ("date", Date22), ("location", Location),
            ("content-encoding", "gzip"), ("set-cookie", Cookie)], third);
        Assert.Equal([("set-cookie", Cookie), ("content-encoding", "gzip"), ("date", Date22)], table3);
        Assert.Equal(215, decoder.DynamicTable.Size);
    }

    [Fact]
    public void Decode_SizeUpdateAtStart_ShrinksAndEvicts()
    {
        using var decoder = new HpackDecoder(4096);
        FieldRecorder.Decode(decoder, HpackTestData.Hex("400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572"));

        // 0x20: size update to 0, then 0x3f e1 1f: size update to 4096; then an indexed static field.
        var fields = FieldRecorder.Decode(decoder, HpackTestData.Hex("20 3fe11f 82"));

        Assert.Equal([(":method", "GET")], fields);
        Assert.Equal(0, decoder.DynamicTable.Count);
        Assert.Equal(4096, decoder.DynamicTable.MaxSize);
    }

    [Fact]
    public void Decode_EntryLargerThanTable_EmptiesTableWithoutError()
    {
        using var decoder = new HpackDecoder(64);
        FieldRecorder.Decode(decoder, HpackTestData.Hex("4001 61 0162")); // a: b (size 34)
        var big = new string('x', 40);
        var block = new List<byte> { 0x40, 0x01, (byte)'c', (byte)big.Length };
        block.AddRange(big.Select(c => (byte)c));

        var fields = FieldRecorder.Decode(decoder, block.ToArray());

        Assert.Equal([("c", big)], fields);
        Assert.Equal(0, decoder.DynamicTable.Count);
        Assert.Equal(0, decoder.DynamicTable.Size);
    }

    [Fact]
    public void Decode_LiteralNamedByEntryItEvicts_KeepsName()
    {
        // Table fits exactly one "custom-key: custom-header" (55 bytes); the next insert reuses its name (index 62)
        // and evicts it in the same step.
        using var decoder = new HpackDecoder(60);
        FieldRecorder.Decode(decoder, HpackTestData.Hex("400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572"));

        var fields = FieldRecorder.Decode(decoder, HpackTestData.Hex("7e 0376 616c")); // name index 62, value "val"

        Assert.Equal([("custom-key", "val")], fields);
        Assert.Equal([("custom-key", "val")], HpackTestData.DynamicEntries(decoder.DynamicTable));
    }

    [Fact]
    public void Decode_ManyInsertsInSmallTable_KeepsNewestInOrder()
    {
        using var decoder = new HpackDecoder(3 * 34);
        for (var i = 0; i < 50; i++)
        {
            // literal with incremental indexing, new name "k", value one digit char: each entry is 34 bytes
            FieldRecorder.Decode(decoder, [0x40, 0x01, (byte)'k', 0x01, (byte)('0' + (i % 10))]);
        }

        Assert.Equal([("k", "9"), ("k", "8"), ("k", "7")], HpackTestData.DynamicEntries(decoder.DynamicTable));
        Assert.Equal([("k", "8")], FieldRecorder.Decode(decoder, [0x80 | 63]));
    }

    [Fact]
    public void Decode_TableGrowsAfterShrink_KeepsOrder()
    {
        using var decoder = new HpackDecoder(4096);
        FieldRecorder.Decode(decoder, HpackTestData.Hex("3f 41")); // size update to 31+65 = 96: room for 2 small entries
        FieldRecorder.Decode(decoder, [0x40, 0x01, (byte)'a', 0x01, (byte)'1']);
        FieldRecorder.Decode(decoder, [0x40, 0x01, (byte)'b', 0x01, (byte)'2']);

        FieldRecorder.Decode(decoder, HpackTestData.Hex("3fe11f")); // back to 4096
        FieldRecorder.Decode(decoder, [0x40, 0x01, (byte)'c', 0x01, (byte)'3']);

        Assert.Equal([("c", "3"), ("b", "2"), ("a", "1")], HpackTestData.DynamicEntries(decoder.DynamicTable));
    }

    [Theory]
    [InlineData("80")] // index 0
    [InlineData("be")] // index 62 with an empty dynamic table
    [InlineData("ff80 01")] // index 255: past both tables
    [InlineData("82 20")] // size update after a field
    [InlineData("3fe2 1f")] // size update to 4097, above the advertised 4096
    [InlineData("040c 2f73")] // string shorter than its length
    [InlineData("0481 ff")] // Huffman string with bad padding
    [InlineData("04")] // literal without its value
    [InlineData("00")] // literal without its name
    public void Decode_InvalidBlock_Throws(string hex)
    {
        using var decoder = new HpackDecoder(4096);

        Assert.Throws<HpackDecodingException>(() => decoder.Decode(HpackTestData.Hex(hex), new FieldRecorder()));
    }

    [Fact]
    public void Decode_HeaderListOverLimit_Throws()
    {
        // One 4000-byte entry, then many one-byte references to it: a small block that expands a lot.
        using var decoder = new HpackDecoder(4096, maxHeaderListSize: 32 * 1024);
        var value = new string('v', 4000);
        var length = new byte[4];
        var n = HpackInteger.Encode(length, value.Length, 7, 0);
        var insert = new List<byte> { 0x40, 0x01, (byte)'x' };
        insert.AddRange(length[..n]);
        insert.AddRange(value.Select(c => (byte)c));
        FieldRecorder.Decode(decoder, insert.ToArray());
        var references = Enumerable.Repeat((byte)0xbe, 9).ToArray(); // 9 x 4033 > 32 KiB

        var fits = FieldRecorder.Decode(decoder, references[..8]);

        Assert.Equal(8, fits.Count);
        Assert.Throws<HpackDecodingException>(() => decoder.Decode(references, new FieldRecorder()));
    }
}
