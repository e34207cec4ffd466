namespace TokenConsole.Features.Usage;

/// <summary>
/// Tells open pages that usage was stored. Raised after every committed write (many times a second under load): the
/// pages throttle their own refreshes, so a burst of events costs each page one query per refresh period.
/// </summary>
public sealed class UsageNotifier
{
    private long _version;

    public event Action? Changed;

    /// <summary>Grows with every committed write; a page compares it to decide whether to refresh.</summary>
    public long Version => Interlocked.Read(ref _version);

    public void Publish()
    {
        Interlocked.Increment(ref _version);
        Changed?.Invoke();
    }
}
