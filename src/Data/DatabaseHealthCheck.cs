using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TokenConsole.Data;

/// <summary>Healthy when the database answers a query.</summary>
internal sealed class DatabaseHealthCheck(IDbContextFactory<TokenConsoleDbContext> dbFactory) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var regions = await db.Regions.CountAsync(cancellationToken);
            return HealthCheckResult.Healthy($"{regions} regions");
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("The database is not reachable.", ex);
        }
    }
}
