using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace EtcdNet.Storage;

/// <summary>
/// CRC-32C (Castagnoli), the checksum of etcd's WAL records and snapshot files. <see cref="Update"/> has the
/// semantics of Go's <c>crc32.Update(crc, castagnoliTable, p)</c>, so a running checksum can be chained.
/// </summary>
public static class Crc32C
{
    // Reflected Castagnoli polynomial.
    private const uint Polynomial = 0x82F63B78;

    private static readonly uint[] Table = BuildTable();

    /// <summary>Continues <paramref name="crc"/> (0 to start) over <paramref name="data"/>.</summary>
    public static uint Update(uint crc, ReadOnlySpan<byte> data) => ~Raw(~crc, data);

    /// <summary>The checksum of <paramref name="data"/> alone.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Update(0, data);

    // The instruction-set paths do 8 bytes per step; the table is the portable fallback.
    private static uint Raw(uint crc, ReadOnlySpan<byte> data)
    {
        if (Sse42.X64.IsSupported)
        {
            ulong c = crc;
            while (data.Length >= 8)
            {
                c = Sse42.X64.Crc32(c, BinaryPrimitives.ReadUInt64LittleEndian(data));
                data = data[8..];
            }

            crc = (uint)c;
            foreach (byte b in data)
            {
                crc = Sse42.Crc32(crc, b);
            }

            return crc;
        }

        if (Crc32.Arm64.IsSupported)
        {
            while (data.Length >= 8)
            {
                crc = Crc32.Arm64.ComputeCrc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
                data = data[8..];
            }

            foreach (byte b in data)
            {
                crc = Crc32.ComputeCrc32C(crc, b);
            }

            return crc;
        }

        ref uint table = ref MemoryMarshal.GetArrayDataReference(Table);
        foreach (byte b in data)
        {
            crc = Unsafe.Add(ref table, (int)((crc ^ b) & 0xFF)) ^ (crc >> 8);
        }

        return crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? (c >> 1) ^ Polynomial : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }
}
