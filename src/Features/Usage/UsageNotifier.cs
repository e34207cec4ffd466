using TokenConsole.Data;
using TokenConsole.Data.Cluster;

namespace TokenConsole.Features.Usage;

/// <summary>
/// Tells open pages that usage was stored, here or by another instance. Raised after every committed write (many times
/// a second under load): the pages throttle their own refreshes, so a burst of events costs each page one query per
/// refresh period.
/// </summary>
public sealed class UsageNotifier
{
    private long _version;
    private long _writtenHere;

    public event Action? Changed;

    /// <summary>Grows with every committed write, of any instance; a page compares it to decide whether to refresh.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Grows with this process's own writes only: what <see cref="UsageSignalRelay"/> tells the others of.</summary>
    public long WrittenHere => Interlocked.Read(ref _writtenHere);

    /// <summary>This process's writer committed.</summary>
    public void Publish()
    {
        Interlocked.Increment(ref _writtenHere);
        PublishFromElsewhere();
    }

    /// <summary>Another instance committed usage (its signal arrived).</summary>
    public void PublishFromElsewhere()
    {
        Interlocked.Increment(ref _version);
        Changed?.Invoke();
    }
}

/// <summary>
/// Carries "usage was stored" between instances: at most one signal per <see cref="Period"/> from this process's writes
/// (a writer commits many times a second; a page refreshes at most every 2 s), and every signal from another instance
/// to this process's pages. So a heatmap open on one instance shows what another ingested within a few seconds.
/// </summary>
public sealed class UsageSignalRelay(UsageNotifier notifier, ClusterSignals signals) : BackgroundService, IClusterSignalHandler
{
    public static readonly TimeSpan Period = TimeSpan.FromMilliseconds(500);

    public string Topic => "usage";

    public Task OnSignalAsync(string body, CancellationToken cancellationToken)
    {
        notifier.PublishFromElsewhere();
        return Task.CompletedTask;
    }

    public Task OnResumedAsync(CancellationToken cancellationToken) => OnSignalAsync("", cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!signals.Shared)
        {
            return; // one instance: nobody to tell
        }
        var told = notifier.WrittenHere;
        while (await Backoff.WaitAsync(Period, TimeProvider.System, stoppingToken))
        {
            var written = notifier.WrittenHere;
            if (written != told)
            {
                told = written;
                await signals.SendAsync(Topic, "");
            }
        }
    }
}
