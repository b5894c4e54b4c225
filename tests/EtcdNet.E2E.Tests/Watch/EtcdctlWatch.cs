using System.Diagnostics;
using System.Text;

namespace EtcdNet.E2E.Tests.Watch;

/// <summary>
/// A running `etcdctl watch` (it runs until killed): its output lines are collected as they come, its stdin takes
/// interactive commands, and it is stopped by its own pid.
/// </summary>
internal sealed class EtcdctlWatch : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _stdout = [];
    private readonly StringBuilder _stderr = new();

    private EtcdctlWatch(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stdout) _stdout.Add(e.Data);
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr) _stderr.AppendLine(e.Data);
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static EtcdctlWatch Start(string endpoint, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo("etcdctl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string a in (string[])["--endpoints", endpoint, "--dial-timeout", "5s", "watch", .. args])
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment["ETCDCTL_API"] = "3";
        return new EtcdctlWatch(Process.Start(psi) ?? throw new InvalidOperationException("cannot start etcdctl"));
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public List<string> Lines
    {
        get
        {
            lock (_stdout) return [.. _stdout];
        }
    }

    public string Stderr
    {
        get
        {
            lock (_stderr) return _stderr.ToString();
        }
    }

    /// <summary>How many stdout lines equal <paramref name="line"/>.</summary>
    public int Count(string line) => Lines.Count(l => l == line);

    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Polls (with a deadline) until <paramref name="condition"/> holds over the output lines.</summary>
    public async Task WaitForAsync(Func<List<string>, bool> condition, string what)
    {
        DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition(Lines))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"etcdctl watch: timed out waiting for {what}\nstdout:\n{string.Join('\n', Lines)}\nstderr:\n{Stderr}");
            }
            await Task.Delay(20);
        }
    }

    /// <summary>Waits for etcdctl to exit by itself (a canceled watch) and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await _process.WaitForExitAsync(cts.Token);
        // The exit may be seen before the last redirected lines; WaitForExit() without a timeout drains them.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
