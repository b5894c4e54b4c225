using System.Buffers;

namespace EtcdNet.Grpc;

/// <summary>
/// The decoder's copy of a peer encoder's HPACK dynamic table (RFC 7541 §2.3.2, §4): newest entry first,
/// evicting the oldest when the size (name + value + 32 per entry) would pass the maximum.
/// </summary>
internal sealed class HpackDynamicTable : IDisposable
{
    /// <summary>RFC 7541 §4.1: each entry costs its name and value plus an estimated 32 bytes of overhead.</summary>
    public const int EntryOverhead = 32;

    // Ring of entries; _head is where the next insert goes. Each entry's bytes (name then value) sit in one pooled
    // array, so a client that keeps indexing new values costs a rent and a return, not garbage.
    // Sized once for the protocol limit: every entry costs at least 32 bytes, so the limit bounds the count.
    private readonly Entry[] _ring;
    private readonly int _limit;
    private int _head;

    /// <param name="maxSize">The limit the peer encoder was given (SETTINGS_HEADER_TABLE_SIZE), also the initial size.</param>
    public HpackDynamicTable(int maxSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxSize);
        MaxSize = maxSize;
        _limit = maxSize;
        _ring = new Entry[Math.Max(1, maxSize / EntryOverhead)];
    }

    /// <summary>The current limit, set by the encoder's size updates.</summary>
    public int MaxSize { get; private set; }

    /// <summary>The sum of the entries' sizes.</summary>
    public int Size { get; private set; }

    public int Count { get; private set; }

    /// <summary>The entry at 1-based <paramref name="index"/>; 1 is the newest.</summary>
    public (ReadOnlyMemory<byte> Name, ReadOnlyMemory<byte> Value) Get(int index)
    {
        if ((uint)(index - 1) >= (uint)Count)
        {
            throw new HpackDecodingException("hpack: invalid index");
        }

        var slot = _head - index;
        if (slot < 0)
        {
            slot += _ring.Length;
        }

        ref var e = ref _ring[slot];
        return (e.Bytes.AsMemory(0, e.NameLength), e.Bytes.AsMemory(e.NameLength, e.ValueLength));
    }

    /// <summary>Applies a dynamic table size update, at most the size the table was created with.</summary>
    public void Resize(int maxSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxSize, _limit);
        MaxSize = maxSize;
        EvictUntilFits(0);
    }

    /// <summary>Adds a field as the newest entry, evicting as RFC 7541 §4.4 says; a field too big empties the table.</summary>
    public void Add(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        var size = name.Length + value.Length + EntryOverhead;
        if (size > MaxSize)
        {
            Clear();
            return;
        }

        // Copy before evicting: name may point into an entry that this insert evicts.
        var bytes = ArrayPool<byte>.Shared.Rent(name.Length + value.Length);
        name.CopyTo(bytes);
        value.CopyTo(bytes.AsSpan(name.Length));
        EvictUntilFits(size);
        _ring[_head] = new Entry(bytes, name.Length, value.Length);
        _head = (_head + 1) % _ring.Length;
        Count++;
        Size += size;
    }

    /// <summary>Returns the entries' buffers to the pool.</summary>
    public void Dispose() => Clear();

    private void Clear()
    {
        while (Count > 0)
        {
            EvictOldest();
        }
    }

    private void EvictUntilFits(int incoming)
    {
        while (Count > 0 && Size + incoming > MaxSize)
        {
            EvictOldest();
        }
    }

    private void EvictOldest()
    {
        var slot = _head - Count;
        if (slot < 0)
        {
            slot += _ring.Length;
        }

        ref var e = ref _ring[slot];
        Size -= e.NameLength + e.ValueLength + EntryOverhead;
        ArrayPool<byte>.Shared.Return(e.Bytes);
        e = default;
        Count--;
    }

    private readonly record struct Entry(byte[] Bytes, int NameLength, int ValueLength);
}
