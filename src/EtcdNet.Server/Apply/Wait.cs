using System.Collections.Concurrent;

namespace EtcdNet.Server.Apply;

/// <summary>
/// Callers waiting for their proposal to be applied, by request id (etcd's pkg/wait). The apply loop triggers
/// an id once its entry is applied; an id nobody waits for (another member's, or a caller that gave up) is ignored.
/// </summary>
public sealed class Wait
{
    private readonly ConcurrentDictionary<ulong, TaskCompletionSource<ApplyResult>> _waiting = new();

    public Task<ApplyResult> Register(ulong id)
    {
        var tcs = new TaskCompletionSource<ApplyResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_waiting.TryAdd(id, tcs)) throw new InvalidOperationException($"duplicate request id {id:x}");
        return tcs.Task;
    }

    public void Trigger(ulong id, ApplyResult result)
    {
        if (_waiting.TryRemove(id, out var tcs)) tcs.TrySetResult(result);
    }

    public void Forget(ulong id) => _waiting.TryRemove(id, out _);

    /// <summary>Fails every waiter, for shutdown.</summary>
    public void FailAll(Exception error)
    {
        foreach (var id in _waiting.Keys)
        {
            if (_waiting.TryRemove(id, out var tcs)) tcs.TrySetException(error);
        }
    }
}
