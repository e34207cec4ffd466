using TokenConsole.Features.Admin;
using TokenConsole.Features.Pricing;

namespace TokenConsole.Features.Usage.Ingestion;

/// <summary>
/// Loads what ingestion checks against (reference codes, API keys, prices) before the server takes requests, and
/// reloads it every 30 seconds, so that customers, packages, keys or prices changed elsewhere (or by another instance)
/// reach the ingestion path without a restart.
/// </summary>
public sealed class UsageReferenceRefresher(
    UsageReferenceProvider reference, ApiKeyService keys, PriceBookProvider prices, TimeProvider clock, ILogger<UsageReferenceRefresher> logger) : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(30);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await ReloadAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await ReloadAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException)
            {
                logger.LogWarning(ex, "Reloading the ingestion reference data failed; the previous data stays in use");
            }
        }
    }

    private async Task ReloadAsync(CancellationToken cancellationToken)
    {
        await reference.ReloadAsync(cancellationToken);
        await keys.LoadAsync(cancellationToken);
        await prices.ReloadAsync(cancellationToken);
    }
}
