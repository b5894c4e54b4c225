using Google.Protobuf;

namespace EtcdNet.Server.Apply;

/// <summary>
/// What applying one entry produced: the response, or the error the client gets; <see cref="Physical"/> completes
/// when a compaction has removed the old history from disk.
/// </summary>
public sealed record ApplyResult(IMessage? Response, Exception? Error = null, Task? Physical = null);
