using System.Buffers;
using System.Globalization;
using EtcdNet.Grpc;

namespace EtcdNet.Server.PeerTransport;

/// <summary>The peer protocol's names on the wire: service, methods, metadata keys and refusal messages.</summary>
internal static class PeerWire
{
    public const string Service = "etcdnet.rafthttp.Peer";
    public const string StreamPath = "/" + Service + "/Stream";
    public const string SnapshotPath = "/" + Service + "/Snapshot";
    public const string ProbePath = "/" + Service + "/Probe";
    public const string MembersPath = "/" + Service + "/Members";
    public const string HashKVPath = "/" + Service + "/HashKV";

    // rafthttp's header names, lower-cased as HTTP/2 requires.
    public const string ClusterIdHeader = "x-etcd-cluster-id";
    public const string FromHeader = "x-server-from";
    public const string ToHeader = "x-raft-to";
    public const string PeerUrlsHeader = "x-peerurls";
    public const string ServerVersionHeader = "x-server-version";

    /// <summary>The version peers announce, as etcd's X-Server-Version (the API EtcdNet serves).</summary>
    public const string ServerVersion = "3.5.0";

    // Refusals: the first is the etcd error string; the other two are rafthttp's response bodies.
    public const string ClusterIdMismatch = "etcdserver: cluster ID mismatch";
    public const string RemovedMember = "removed member";
    public const string ToMismatch = "to field mismatch";

    /// <summary>Frames of the snapshot upload and the probe: raw bytes, copied out of the pooled receive buffer.</summary>
    public static readonly Marshaller<ReadOnlyMemory<byte>> Bytes = new(
        static data => data.IsEmpty ? ReadOnlyMemory<byte>.Empty : data.ToArray(),
        static chunk => chunk.Length,
        static (chunk, destination) => chunk.Span.CopyTo(destination));

    /// <summary>A member id as etcd prints it in headers and logs: lower-case hex without padding.</summary>
    public static string FormatId(ulong id) => id.ToString("x", CultureInfo.InvariantCulture);

    public static bool TryParseId(string? text, out ulong id) =>
        ulong.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out id);
}
