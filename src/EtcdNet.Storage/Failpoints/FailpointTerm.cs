using System.Globalization;

namespace EtcdNet.Storage.Failpoints;

/// <summary>What an armed failpoint does, from gofail's term syntax <c>[P%][N*]action[(arg)]</c>.</summary>
/// <remarks>
/// Actions: <c>off</c>; <c>panic</c> (the process dies at once, as a crash: no flush, no cleanup); <c>sleep(ms)</c>
/// or <c>sleep(200ms)</c>/<c>sleep(1s)</c>; <c>print</c> (a line on stderr). <c>P%</c> fires with that probability,
/// <c>N*</c> fires at most N times.
/// </remarks>
public sealed class FailpointTerm
{
    private int _remaining;

    private FailpointTerm(string action, TimeSpan sleep, double percent, int count)
    {
        Action = action;
        Sleep = sleep;
        Percent = percent;
        _remaining = count;
    }

    /// <summary>off, panic, sleep or print.</summary>
    public string Action { get; }

    /// <summary>How long sleep waits.</summary>
    public TimeSpan Sleep { get; }

    /// <summary>Probability in percent that a hit fires (100 unless given).</summary>
    public double Percent { get; }

    public static FailpointTerm Parse(string text)
    {
        var rest = text;
        double percent = 100;
        int count = int.MaxValue;
        var pct = rest.IndexOf('%', StringComparison.Ordinal);
        if (pct > 0)
        {
            percent = double.Parse(rest[..pct], CultureInfo.InvariantCulture);
            rest = rest[(pct + 1)..];
        }
        var star = rest.IndexOf('*', StringComparison.Ordinal);
        if (star > 0)
        {
            count = int.Parse(rest[..star], CultureInfo.InvariantCulture);
            rest = rest[(star + 1)..];
        }
        string? arg = null;
        var open = rest.IndexOf('(', StringComparison.Ordinal);
        if (open >= 0)
        {
            if (!rest.EndsWith(')')) throw new FormatException($"failpoint: bad term \"{text}\"");
            arg = rest[(open + 1)..^1].Trim().Trim('"');
            rest = rest[..open];
        }
        var sleep = TimeSpan.Zero;
        switch (rest)
        {
            case "off" or "panic" or "print":
                break;
            case "sleep":
                sleep = ParseDuration(arg ?? throw new FormatException($"failpoint: sleep needs a duration in \"{text}\""));
                break;
            default:
                throw new FormatException($"failpoint: unknown action \"{rest}\" in \"{text}\"");
        }
        return new FailpointTerm(rest, sleep, percent, count);
    }

    /// <summary>Does what the term says, for the failpoint <paramref name="name"/>.</summary>
    public void Fire(string name)
    {
        if (Action == "off") return;
        if (Percent < 100 && Random.Shared.NextDouble() * 100 >= Percent) return;
        if (Interlocked.Decrement(ref _remaining) < 0) return;
        switch (Action)
        {
            case "panic":
                Console.Error.WriteLine($"failpoint {name}: panic");
                Console.Error.Flush();
                // SIGKILL to ourselves: a crash, with nothing flushed or disposed on the way out.
                System.Diagnostics.Process.GetCurrentProcess().Kill();
                Thread.Sleep(Timeout.Infinite);
                break;
            case "sleep":
                Thread.Sleep(Sleep);
                break;
            case "print":
                Console.Error.WriteLine($"failpoint {name}: hit");
                break;
        }
    }

    private static TimeSpan ParseDuration(string text)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)) return TimeSpan.FromMilliseconds(ms);
        if (text.EndsWith("ms", StringComparison.Ordinal)) return TimeSpan.FromMilliseconds(double.Parse(text[..^2], CultureInfo.InvariantCulture));
        if (text.EndsWith('s')) return TimeSpan.FromSeconds(double.Parse(text[..^1], CultureInfo.InvariantCulture));
        throw new FormatException($"failpoint: bad duration \"{text}\"");
    }
}
