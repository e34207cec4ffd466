namespace TokenConsole.Data;

/// <summary>
/// The delay before a background loop tries again after consecutive failures: 1 s, 2 s, 4 s … up to 30 s. Bounded, so
/// that a loop comes back within half a minute of its cause going away (a lock released, a disk freed), and growing, so
/// that a lasting failure does not fill the log or hammer the database.
/// </summary>
public static class Backoff
{
    public static readonly TimeSpan First = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan Max = TimeSpan.FromSeconds(30);

    /// <summary>The delay after <paramref name="failures"/> failures in a row (1 for the first).</summary>
    public static TimeSpan After(int failures) =>
        failures <= 1 ? First : TimeSpan.FromTicks(Math.Min(Max.Ticks, First.Ticks << Math.Min(failures - 1, 16)));

    /// <summary>Waits, and returns false instead of throwing when the host is stopping.</summary>
    public static async Task<bool> WaitAsync(TimeSpan delay, TimeProvider clock, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, clock, stoppingToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
