using System.Buffers;
using EtcdNet.Grpc;

namespace EtcdNet.Server.Tests.PeerTransport;

/// <summary>A peer-protocol client written from the README alone: frames as raw bytes, headers by hand.</summary>
internal static class RawBytes
{
    public static Marshaller<byte[]> Marshaller { get; } = new(d => d.ToArray(), b => b.Length, (b, d) => b.CopyTo(d));

    public static Dictionary<string, string> Headers(string clusterId, string from, string? to = null)
    {
        var headers = new Dictionary<string, string> { ["x-etcd-cluster-id"] = clusterId, ["x-server-from"] = from };
        if (to is not null)
        {
            headers["x-raft-to"] = to;
        }

        return headers;
    }
}
