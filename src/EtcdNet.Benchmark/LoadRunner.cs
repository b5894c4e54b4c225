using System.Diagnostics;
using EtcdNet.Grpc;

namespace EtcdNet.Benchmark;

/// <summary>Sends a fixed number of requests from concurrent clients, each waiting for its answer before the next.</summary>
public static class LoadRunner
{
    /// <summary>
    /// Runs <paramref name="total"/> requests over <paramref name="clients"/> workers and returns the completed report.
    /// <paramref name="send"/> gets (client, sequence); a client's calls never overlap, so it may reuse its request.
    /// A <paramref name="rate"/> above zero caps requests per second across all clients, like etcd's --rate.
    /// </summary>
    public static async Task<Report> RunAsync(int clients, int total, double rate, Func<int, int, Task> send, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(clients, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        var report = new Report(total);
        var pacer = rate > 0 ? new RequestPacer(rate) : null;
        int issued = -1;
        long start = Stopwatch.GetTimestamp();
        var workers = new Task[clients];
        for (int c = 0; c < clients; c++)
        {
            int client = c;
            workers[c] = Task.Run(() => WorkAsync(client), ct);
        }

        await Task.WhenAll(workers).ConfigureAwait(false);
        report.Complete(Stopwatch.GetElapsedTime(start));
        return report;

        async Task WorkAsync(int client)
        {
            while (true)
            {
                int sequence = Interlocked.Increment(ref issued);
                if (sequence >= total)
                {
                    return;
                }

                if (pacer is not null)
                {
                    await pacer.WaitTurnAsync(ct).ConfigureAwait(false);
                }

                long sent = Stopwatch.GetTimestamp();
                try
                {
                    await send(client, sequence).ConfigureAwait(false);
                    report.Record(Stopwatch.GetElapsedTime(sent));
                }
                catch (RpcException e)
                {
                    report.RecordError($"rpc error: code = {e.StatusCode} desc = {e.Detail}");
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    report.RecordError(e.GetType().Name + ": " + e.Message);
                }
            }
        }
    }
}
