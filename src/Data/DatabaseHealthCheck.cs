using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TokenConsole.Data;

/// <summary>
/// Healthy when the database answers a query and takes a write: <c>BEGIN IMMEDIATE</c> (the write lock), a table created
/// and rolled back (a read-only file grants the lock but refuses this), with a short timeout. A database that another connection holds exclusively, or that is read-only, still answers
/// queries; only the write shows that nothing can be stored.
/// </summary>
internal sealed class DatabaseHealthCheck(IDbContextFactory<TokenConsoleDbContext> dbFactory) : IHealthCheck
{
    /// <summary>Shorter than a load balancer's probe timeout, longer than a commit of the usage writer takes.</summary>
    private const int WriteTimeoutMs = 2000;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var regions = await db.Regions.CountAsync(cancellationToken);
            if (!db.Database.IsSqlite())
            {
                // PostgreSQL: a write in a transaction that is rolled back, waiting at most as long for a lock.
                await using var probe = await db.Database.BeginTransactionAsync(cancellationToken);
                await db.Database.ExecuteSqlRawAsync($"SET LOCAL lock_timeout = {WriteTimeoutMs}; CREATE TABLE health_probe (x integer)", cancellationToken);
                await probe.RollbackAsync(cancellationToken);
                return HealthCheckResult.Healthy($"{regions} regions; the database takes writes");
            }
            // Its own connection, not the pool's: a busy timeout set here must not stay on a pooled connection.
            var csb = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()) { Pooling = false, DefaultTimeout = 1 };
            await using var connection = new SqliteConnection(csb.ToString());
            await connection.OpenAsync(cancellationToken);
            // One statement per command: Microsoft.Data.Sqlite stops at a statement that returns a row (the PRAGMA does)
            // and runs the rest when the reader is disposed, where their errors are not reported.
            await using (var pragma = connection.CreateCommand())
            {
                pragma.CommandText = $"PRAGMA busy_timeout={WriteTimeoutMs}";
                await pragma.ExecuteScalarAsync(cancellationToken);
            }
            await using var transaction = connection.BeginTransaction(deferred: false);
            await using var write = connection.CreateCommand();
            write.Transaction = transaction;
            write.CommandText = "CREATE TABLE health_probe (x)";
            await write.ExecuteNonQueryAsync(cancellationToken);
            await transaction.RollbackAsync(cancellationToken);
            return HealthCheckResult.Healthy($"{regions} regions; the database takes writes");
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy($"The database does not answer or does not take writes: {ex.Message}", ex);
        }
    }
}
