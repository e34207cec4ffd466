using TokenConsole.Data;
using TokenConsole.Data.Cluster;

namespace TokenConsole.Features.Pricing;

/// <summary>
/// Loads the active ruleset before the app serves requests, then activates scheduled price changes when their effective
/// time comes. Driven by <see cref="TimeProvider"/>, so a fake clock moves it in tests.
/// </summary>
public sealed class PriceChangeScheduler(IServiceScopeFactory scopes, RuleSetProvider ruleSets, TimeProvider clock, ILogger<PriceChangeScheduler> logger,
    JobLease? lease = null) : BackgroundService
{
    // Built without a host (tests), a job is one instance's and holds the lease.
    private readonly JobLease _lease = lease ?? JobLease.HeldAlone();

    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await ruleSets.ReloadAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    /// <summary>Never ends before the host stops: a failing tick is logged and retried after a bounded back-off (issue 12).</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            // Every instance loads the ruleset; one activates (the instance holding the job lease).
            await _lease.WhenHeldAsync(stoppingToken);
            failures = await TryTickAsync(stoppingToken) ? 0 : failures + 1;
            var delay = failures == 0 ? Interval : TimeSpan.FromTicks(Math.Min(Interval.Ticks, Backoff.After(failures).Ticks));
            if (!await Backoff.WaitAsync(delay, clock, stoppingToken))
            {
                return;
            }
        }
    }

    private async Task<bool> TryTickAsync(CancellationToken stoppingToken)
    {
        try
        {
            await TickCoreAsync(stoppingToken);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Activating scheduled price changes failed; retrying after a back-off");
            return false;
        }
    }

    /// <summary>One pass: activates what is due. Failures are logged and retried at the next tick.</summary>
    public async Task<int> TickAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await TickCoreAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Activating scheduled price changes failed; retrying at the next tick");
            return 0;
        }
    }

    private async Task<int> TickCoreAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var count = await scope.ServiceProvider.GetRequiredService<PriceChangeService>().ActivateDueAsync(cancellationToken);
        if (count > 0)
        {
            logger.LogInformation("Activated {Count} scheduled price changes", count);
        }

        return count;
    }
}
