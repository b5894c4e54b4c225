using EtcdNet.TestKit;

namespace EtcdNet.Server.Tests.Compaction;

/// <summary>
/// The manual clock, counting the timers created on it: a loop that waits with Task.Delay creates one per wait, so a
/// test knows the loop is parked (and that advancing the clock will wake it) once the count has moved.
/// </summary>
public sealed class CountingTimeProvider : TimeProvider
{
    private int _timers;

    public ManualTimeProvider Clock { get; } = new();

    public int Timers => Volatile.Read(ref _timers);

    public override DateTimeOffset GetUtcNow() => Clock.GetUtcNow();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = Clock.CreateTimer(callback, state, dueTime, period);
        Interlocked.Increment(ref _timers);
        return timer;
    }

    /// <summary>Waits until the loop has parked for the <paramref name="count"/>th time.</summary>
    public Task WaitForTimersAsync(int count) =>
        Eventually.TrueAsync(() => Task.FromResult(Timers >= count), TimeSpan.FromSeconds(10), $"{count} waits");

    /// <summary>Advances one step once the loop is parked in its next wait, and waits until it parks again.</summary>
    public async Task StepAsync(TimeSpan by)
    {
        int parked = Timers;
        Clock.Advance(by);
        await WaitForTimersAsync(parked + 1);
    }
}
