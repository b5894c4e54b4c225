using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace EtcdNet.Benchmark;

/// <summary>One server process (etcd or etcdnet) started on free loopback ports with a fresh data dir.</summary>
/// <remarks>Disposing stops the process by its pid and deletes the data dir.</remarks>
public sealed class ServerLauncher : IDisposable
{
    private const int KeptOutputLines = 200;

    private readonly Process process;
    private readonly string dataDir;
    private readonly Queue<string> output = new();

    private ServerLauncher(string name, Process process, string dataDir, Uri clientUrl)
    {
        Name = name;
        this.process = process;
        this.dataDir = dataDir;
        ClientUrl = clientUrl;
    }

    /// <summary>What the table calls this server.</summary>
    public string Name { get; }

    /// <summary>The client URL the server listens on.</summary>
    public Uri ClientUrl { get; }

    /// <summary>The server's process id.</summary>
    public int Pid => process.Id;

    /// <summary>Whether the server process has ended.</summary>
    public bool HasExited => process.HasExited;

    /// <summary>
    /// Starts <paramref name="fileName"/> with <paramref name="leadingArgs"/> followed by etcd's single-member flags
    /// (member name b1, free client and peer ports on 127.0.0.1, a new temp data dir).
    /// </summary>
    public static ServerLauncher Start(string name, string fileName, IReadOnlyList<string> leadingArgs)
    {
        int[] ports = FreePorts(2);
        string client = $"http://127.0.0.1:{ports[0]}";
        string peer = $"http://127.0.0.1:{ports[1]}";
        return Start(name, fileName, leadingArgs, new Uri(client), dataDir =>
        [
            "--name", "b1", "--data-dir", dataDir,
            "--listen-client-urls", client, "--advertise-client-urls", client,
            "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
            "--initial-cluster", "b1=" + peer,
        ]);
    }

    /// <summary>
    /// Starts <paramref name="fileName"/> with <paramref name="leadingArgs"/> followed by the flags
    /// <paramref name="flags"/> makes for a new temp data dir; the server is expected to listen on <paramref name="clientUrl"/>.
    /// </summary>
    public static ServerLauncher Start(
        string name, string fileName, IReadOnlyList<string> leadingArgs, Uri clientUrl, Func<string, IReadOnlyList<string>> flags)
    {
        string dataDir = Directory.CreateTempSubdirectory("etcdnet-bench-" + name + "-").FullName;
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in leadingArgs)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (string flag in flags(dataDir))
        {
            info.ArgumentList.Add(flag);
        }

        var process = new Process { StartInfo = info };
        var launched = new ServerLauncher(name, process, dataDir, clientUrl);
        try
        {
            process.OutputDataReceived += (_, e) => launched.Keep(e.Data);
            process.ErrorDataReceived += (_, e) => launched.Keep(e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return launched;
        }
        catch
        {
            process.Dispose();
            DeleteDir(dataDir);
            throw;
        }
    }

    /// <summary>Polls GET /health until the server answers healthy; throws if it exits or the deadline passes.</summary>
    public async Task WaitHealthyAsync(TimeSpan timeout, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var health = new Uri(ClientUrl, "/health");
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        string last = "no answer";
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (process.HasExited)
            {
                // The parameterless wait also drains the output readers, so the caller can show every last line.
                process.WaitForExit();
                throw new InvalidOperationException($"{Name} exited with code {process.ExitCode} before answering /health");
            }

            try
            {
                using var response = await http.GetAsync(health, ct).ConfigureAwait(false);
                string body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.OK && body.Contains("true", StringComparison.Ordinal))
                {
                    return;
                }

                last = $"{(int)response.StatusCode} {body}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                last = e.Message;
            }

            await Task.Delay(100, ct).ConfigureAwait(false);
        }

        throw new TimeoutException($"{Name} did not answer /health within {timeout.TotalSeconds:0}s (last: {last})");
    }

    /// <summary>Peak and current resident set size, from /proc/&lt;pid&gt;/status (VmHWM, VmRSS), in bytes.</summary>
    public (long Peak, long Current) ReadMemory()
    {
        long peak = 0;
        long current = 0;
        foreach (string line in File.ReadLines($"/proc/{process.Id}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = Kilobytes(line);
            }
            else if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                current = Kilobytes(line);
            }
        }

        return (peak * 1024, current * 1024);
    }

    /// <summary>The last lines the server wrote to stdout and stderr, oldest first.</summary>
    public string RecentOutput()
    {
        lock (output)
        {
            return string.Join('\n', output);
        }
    }

    /// <summary>Kills the server by pid, waits for it, and deletes its data dir.</summary>
    public void Dispose()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped: nothing left to stop.
        }

        process.Dispose();
        DeleteDir(dataDir);
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            if (output.Count == KeptOutputLines)
            {
                output.Dequeue();
            }

            output.Enqueue(line);
        }
    }

    private static long Kilobytes(string line)
    {
        // "VmHWM:	   12345 kB"
        var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 2 ? long.Parse(parts[1], CultureInfo.InvariantCulture) : 0;
    }

    /// <summary><paramref name="count"/> distinct free loopback ports.</summary>
    /// <remarks>All listeners are open at once so the ports differ; the servers bind them right after they close.</remarks>
    public static int[] FreePorts(int count)
    {
        var listeners = new TcpListener[count];
        try
        {
            var ports = new int[count];
            for (int i = 0; i < count; i++)
            {
                listeners[i] = new TcpListener(IPAddress.Loopback, 0);
                listeners[i].Start();
                ports[i] = ((IPEndPoint)listeners[i].LocalEndpoint).Port;
            }

            return ports;
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener?.Dispose();
            }
        }
    }

    private static void DeleteDir(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (IOException)
        {
            // A server that just died may still hold a file for a moment; a stale temp dir is harmless.
        }
    }
}
