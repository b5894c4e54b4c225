using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace EtcdNet.Server.Membership;

/// <summary>One member of the cluster as MemberList shows it.</summary>
public sealed record Member(ulong Id, string Name, IReadOnlyList<string> PeerUrls, IReadOnlyList<string> ClientUrls, bool IsLearner)
{
    /// <summary>
    /// A member's id as etcd derives it: the first 8 bytes (big-endian) of SHA-1 over its sorted peer URLs,
    /// the cluster token and, for members added at runtime, the time. Same inputs give etcd's id.
    /// </summary>
    public static ulong ComputeId(IEnumerable<string> peerUrls, string clusterToken, DateTimeOffset? addedAt = null)
    {
        var sorted = peerUrls.Order(StringComparer.Ordinal);
        var text = new StringBuilder();
        foreach (var url in sorted)
        {
            text.Append(url);
        }
        text.Append(clusterToken);
        if (addedAt is { } t)
        {
            text.Append(t.ToUnixTimeSeconds());
        }
        return FirstEightBytes(SHA1.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>The cluster id: SHA-1 over the sorted member ids, big-endian, as etcd computes it.</summary>
    public static ulong ComputeClusterId(IEnumerable<ulong> memberIds)
    {
        var ids = memberIds.Order().ToArray();
        var bytes = new byte[8 * ids.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(8 * i), ids[i]);
        }
        return FirstEightBytes(SHA1.HashData(bytes));
    }

    private static ulong FirstEightBytes(byte[] hash) => BinaryPrimitives.ReadUInt64BigEndian(hash);
}
