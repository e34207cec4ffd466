using Microsoft.Extensions.Options;

namespace TokenConsole.Features.Catalog;

/// <summary>
/// Publishes scheduled package versions when their effective date comes. Driven by <see cref="TimeProvider"/>, so a test
/// moves a fake clock instead of waiting; a missed tick (the app was down) is caught up on the next one, because every
/// round activates all versions that are due, not only those due in the last interval.
/// </summary>
public sealed class ScheduledActivationService(IServiceScopeFactory scopes, TimeProvider clock, IOptions<CatalogOptions> options,
    ILogger<ScheduledActivationService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await RunOnceAsync(stoppingToken);
            try
            {
                await Task.Delay(options.Value.ActivationCheckInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var activated = await scope.ServiceProvider.GetRequiredService<PackageLifecycleService>().ActivateDueAsync(cancellationToken);
            if (activated > 0)
            {
                logger.LogInformation("Activated {Count} scheduled package version(s)", activated);
            }
            return activated;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The next round retries; a failing round must not stop the service for good.
            logger.LogError(ex, "Scheduled package activation failed");
            return 0;
        }
    }
}
