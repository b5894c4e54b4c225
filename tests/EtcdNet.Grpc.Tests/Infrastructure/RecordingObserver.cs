using System.Collections.Concurrent;

namespace EtcdNet.Grpc.Tests;

/// <summary>Records observer callbacks so tests can assert on them.</summary>
internal sealed class RecordingObserver : IGrpcCallObserver
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<StatusCode>> _handled = new();

    public ConcurrentQueue<string> Events { get; } = new();

    public void OnStarted(Method m) => Events.Enqueue("started " + m.FullName);

    public void OnHandled(Method m, StatusCode code, TimeSpan elapsed)
    {
        Events.Enqueue($"handled {m.FullName} {code}");
        Handled(m.Name).TrySetResult(code);
    }

    public void OnMessageReceived(Method m, int bytes) => Events.Enqueue($"received {m.FullName} {bytes}");

    public void OnMessageSent(Method m, int bytes) => Events.Enqueue($"sent {m.FullName} {bytes}");

    public Task<StatusCode> WaitForHandledAsync(string method, TimeSpan patience) => Handled(method).Task.WaitAsync(patience);

    private TaskCompletionSource<StatusCode> Handled(string method) =>
        _handled.GetOrAdd(method, _ => new TaskCompletionSource<StatusCode>(TaskCreationOptions.RunContinuationsAsynchronously));
}
