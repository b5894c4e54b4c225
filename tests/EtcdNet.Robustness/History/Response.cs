using System.Text.Json.Serialization;

namespace EtcdNet.Robustness.History;

/// <summary>What the server answered, with the header revision every etcd response carries.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(RangeResponse), "range")]
[JsonDerivedType(typeof(PutResponse), "put")]
[JsonDerivedType(typeof(DeleteResponse), "delete")]
[JsonDerivedType(typeof(TxnResponse), "txn")]
[JsonDerivedType(typeof(LeaseGrantResponse), "lease-grant")]
[JsonDerivedType(typeof(LeaseRevokeResponse), "lease-revoke")]
[JsonDerivedType(typeof(CompactResponse), "compact")]
[JsonDerivedType(typeof(ErrorResponse), "error")]
public abstract record Response(long Revision);

/// <summary>A Range's kvs (sorted by key), the total count and whether more kvs matched than the limit returned.</summary>
public sealed record RangeResponse(long Revision, IReadOnlyList<KeyValue> Kvs, long Count, bool More = false) : Response(Revision);

/// <summary>A Put's answer: only the header revision (the put's own revision).</summary>
public sealed record PutResponse(long Revision) : Response(Revision);

/// <summary>A Delete's answer: how many keys it deleted.</summary>
public sealed record DeleteResponse(long Revision, long Deleted) : Response(Revision);

/// <summary>A Txn's answer: which branch ran, and one result per op of that branch.</summary>
public sealed record TxnResponse(long Revision, bool Succeeded, IReadOnlyList<TxnOpResult> Results) : Response(Revision);

/// <summary>A LeaseGrant's answer: the granted id and TTL.</summary>
public sealed record LeaseGrantResponse(long Revision, long Id, long Ttl) : Response(Revision);

/// <summary>A LeaseRevoke's answer.</summary>
public sealed record LeaseRevokeResponse(long Revision) : Response(Revision);

/// <summary>A Compact's answer.</summary>
public sealed record CompactResponse(long Revision) : Response(Revision);

/// <summary>
/// A definite error from the server: the request was refused and changed nothing (e.g. "etcdserver: mvcc: required
/// revision has been compacted", "etcdserver: requested lease not found"). Errors that leave the outcome open
/// (timeouts, lost connections, leader changes) are not responses: record the operation as unknown instead.
/// </summary>
public sealed record ErrorResponse(string Message, long Revision = 0) : Response(Revision);

/// <summary>One result inside a Txn response, matching the op at the same position.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "op")]
[JsonDerivedType(typeof(TxnRangeResult), "range")]
[JsonDerivedType(typeof(TxnPutResult), "put")]
[JsonDerivedType(typeof(TxnDeleteResult), "delete")]
public abstract record TxnOpResult;

/// <summary>A Range's kvs inside a Txn.</summary>
public sealed record TxnRangeResult(IReadOnlyList<KeyValue> Kvs, long Count, bool More = false) : TxnOpResult;

/// <summary>A Put inside a Txn (no payload).</summary>
public sealed record TxnPutResult : TxnOpResult;

/// <summary>A Delete inside a Txn: how many keys it deleted.</summary>
public sealed record TxnDeleteResult(long Deleted) : TxnOpResult;
