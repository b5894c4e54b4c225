using Google.Protobuf;

namespace EtcdNet.Raft;

/// <summary>
/// The answer to a ReadIndex request: once the application has applied up to <see cref="Index"/>,
/// it may serve the read identified by <see cref="RequestCtx"/> linearizably.
/// </summary>
public readonly record struct ReadState(ulong Index, ByteString RequestCtx);
