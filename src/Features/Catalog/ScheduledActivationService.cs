using Microsoft.Extensions.Options;
using TokenConsole.Data;
using TokenConsole.Data.Cluster;

namespace TokenConsole.Features.Catalog;

/// <summary>
/// Publishes scheduled package versions when their effective date comes. Driven by <see cref="TimeProvider"/>, so a test
/// moves a fake clock instead of waiting; a missed tick (the app was down) is caught up on the next one, because every
/// round activates all versions that are due, not only those due in the last interval.
/// </summary>
public sealed class ScheduledActivationService(IServiceScopeFactory scopes, TimeProvider clock, IOptions<CatalogOptions> options,
    ILogger<ScheduledActivationService> logger, JobLease? lease = null) : BackgroundService
{
    // Built without a host (tests), a job is one instance's and holds the lease.
    private readonly JobLease _lease = lease ?? JobLease.HeldAlone();

    /// <summary>Never ends before the host stops: a failing round is logged and retried after a bounded back-off (issue 12).</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            await _lease.WhenHeldAsync(stoppingToken);
            failures = await TryRunOnceAsync(stoppingToken) ? 0 : failures + 1;
            var interval = options.Value.ActivationCheckInterval;
            var delay = failures == 0 ? interval : TimeSpan.FromTicks(Math.Min(interval.Ticks, Backoff.After(failures).Ticks));
            if (!await Backoff.WaitAsync(delay, clock, stoppingToken))
            {
                return;
            }
        }
    }

    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await RunCoreAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The next round retries; a failing round must not stop the service for good.
            logger.LogError(ex, "Scheduled package activation failed");
            return 0;
        }
    }

    private async Task<bool> TryRunOnceAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RunCoreAsync(stoppingToken);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Scheduled package activation failed; retrying after a back-off");
            return false;
        }
    }

    private async Task<int> RunCoreAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var activated = await scope.ServiceProvider.GetRequiredService<PackageLifecycleService>().ActivateDueAsync(cancellationToken);
        if (activated > 0)
        {
            logger.LogInformation("Activated {Count} scheduled package version(s)", activated);
        }
        return activated;
    }
}
