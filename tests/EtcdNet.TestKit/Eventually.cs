namespace EtcdNet.TestKit;

/// <summary>Polling with a deadline instead of sleeping: waits for a condition and says what it waited for.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition().ConfigureAwait(false)) return;
            }
            catch (Exception e)
            {
                last = e;
            }
            await Task.Delay(50).ConfigureAwait(false);
        }
        throw new TimeoutException($"timed out after {timeout.TotalSeconds:0.#}s waiting for {what}" + (last is null ? "" : $" (last error: {last.Message})"));
    }
}
