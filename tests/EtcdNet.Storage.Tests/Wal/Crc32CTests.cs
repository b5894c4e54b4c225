using System.Text;

namespace EtcdNet.Storage.Tests;

public sealed class Crc32CTests
{
    [Fact]
    public void Compute_CheckString_MatchesCastagnoliCheckValue()
    {
        // The standard check value of CRC-32C (iSCSI, RFC 3720): crc("123456789").
        Assert.Equal(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));
        Assert.Equal(0u, Crc32C.Compute([]));
    }

    [Fact]
    public void Update_Chained_EqualsOneShot()
    {
        var random = new Random(7);
        byte[] data = new byte[1000];
        random.NextBytes(data);
        for (int split = 0; split <= data.Length; split += 37)
        {
            uint chained = Crc32C.Update(Crc32C.Update(0, data.AsSpan(0, split)), data.AsSpan(split));
            Assert.Equal(Crc32C.Compute(data), chained);
        }
    }

    [Fact]
    public void Compute_RandomData_MatchesBitwiseReference()
    {
        var random = new Random(11);
        for (int length = 0; length < 80; length++)
        {
            byte[] data = new byte[length];
            random.NextBytes(data);
            Assert.Equal(Reference(data), Crc32C.Compute(data));
        }
    }

    private static uint Reference(byte[] data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78 : crc >> 1;
            }
        }

        return ~crc;
    }
}
