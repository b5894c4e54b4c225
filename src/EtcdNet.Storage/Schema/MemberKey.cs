using System.Globalization;
using System.Text;

namespace EtcdNet.Storage.Schema;

/// <summary>Key of a member in the members buckets: its id in lower-case hex text, as etcd writes it.</summary>
public static class MemberKey
{
    public static byte[] Encode(ulong id) => Encoding.ASCII.GetBytes(id.ToString("x", CultureInfo.InvariantCulture));

    public static ulong Decode(ReadOnlySpan<byte> key) =>
        ulong.Parse(Encoding.ASCII.GetString(key), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
