namespace TokenConsole.Features.Pricing;

/// <summary>
/// Loads the active ruleset before the app serves requests, then activates scheduled price changes when their effective
/// time comes. Driven by <see cref="TimeProvider"/>, so a fake clock moves it in tests.
/// </summary>
public sealed class PriceChangeScheduler(IServiceScopeFactory scopes, RuleSetProvider ruleSets, TimeProvider clock, ILogger<PriceChangeScheduler> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await ruleSets.ReloadAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await TickAsync(stoppingToken);
            try
            {
                await Task.Delay(Interval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One pass: activates what is due. Failures are logged and retried at the next tick.</summary>
    public async Task<int> TickAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var count = await scope.ServiceProvider.GetRequiredService<PriceChangeService>().ActivateDueAsync(cancellationToken);
            if (count > 0)
            {
                logger.LogInformation("Activated {Count} scheduled price changes", count);
            }

            return count;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Activating scheduled price changes failed; retrying at the next tick");
            return 0;
        }
    }
}
