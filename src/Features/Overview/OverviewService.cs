using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;
using TokenConsole.Features.Catalog;
using TokenConsole.Features.Compute;
using TokenConsole.Features.Usage;

namespace TokenConsole.Features.Overview;

public sealed record Kpi(double Value, double? Previous)
{
    /// <summary>The change against the previous value as a ratio; null when there is no previous value.</summary>
    public double? Change => Previous is > 0 ? Value / Previous.Value - 1 : null;
}

public sealed record OverviewData(
    Kpi TokensThisMonth,
    Kpi RevenueThisMonth,
    int ActivePackages,
    int Customers,
    int ActiveSubscriptions,
    double PoolUtilisation,
    string? BusiestPool,
    double BusiestPoolUtilisation,
    IReadOnlyList<(DateTime Day, long Tokens, double Revenue)> Daily);

/// <summary>The overview's KPIs, computed from the rollups and the catalog.</summary>
public sealed class OverviewService(IDbContextFactory<TokenConsoleDbContext> dbFactory, TimeProvider clock)
{
    public async Task<OverviewData> GetAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var nowUtc = now.UtcDateTime;
        var monthStart = BusinessCalendar.MonthStartUtc(now);
        // Month to date against the same number of days of the previous month: a fair comparison on any day.
        var previousMonthStart = BusinessCalendar.MonthStartUtc(new DateTimeOffset(monthStart.AddDays(-1), TimeSpan.Zero));
        var previousEnd = previousMonthStart + (nowUtc - monthStart);

        var thisMonth = await TotalsAsync(db, monthStart, nowUtc, cancellationToken);
        var lastMonth = await TotalsAsync(db, previousMonthStart, previousEnd, cancellationToken);

        var activePackages = await db.Packages.CountAsync(p => p.Status == PackageStatus.Active, cancellationToken);
        var customers = await db.Customers.CountAsync(cancellationToken);
        var activeSubscriptions = await db.Subscriptions.CountAsync(s => s.Status == SubscriptionStatus.Active, cancellationToken);

        var dayAgo = nowUtc.AddDays(-1);
        var pools = await db.Pools.AsNoTracking().Where(p => p.Status == PoolStatus.Online).ToListAsync(cancellationToken);
        var poolTokens = await db.UsageRollups.Where(r => r.Hour >= dayAgo && r.Hour < nowUtc)
            .GroupBy(r => r.PoolId)
            .Select(g => new { PoolId = g.Key, Tokens = g.Sum(r => r.InputTokens + r.OutputTokens) })
            .ToDictionaryAsync(x => x.PoolId, x => x.Tokens, cancellationToken);
        var capacity = pools.Sum(p => (double)p.CapacityTokensPerSecond) * 86_400;
        var used = pools.Sum(p => (double)poolTokens.GetValueOrDefault(p.Id));
        var busiest = pools
            .Select(p => (Pool: p, Utilisation: poolTokens.GetValueOrDefault(p.Id) / (p.CapacityTokensPerSecond * 86_400.0)))
            .OrderByDescending(x => x.Utilisation).FirstOrDefault();

        var daily = await DailyAsync(db, nowUtc, cancellationToken);
        return new OverviewData(
            new Kpi(thisMonth.Tokens, lastMonth.Tokens), new Kpi(thisMonth.Revenue, lastMonth.Revenue),
            activePackages, customers, activeSubscriptions,
            capacity == 0 ? 0 : used / capacity, busiest.Pool?.Code, busiest.Utilisation, daily);
    }

    private static async Task<(double Tokens, double Revenue)> TotalsAsync(TokenConsoleDbContext db, DateTime from, DateTime to, CancellationToken cancellationToken)
    {
        var totals = await db.UsageRollups.Where(r => r.Hour >= from && r.Hour < to)
            .GroupBy(_ => 1)
            .Select(g => new { Tokens = g.Sum(r => r.InputTokens + r.OutputTokens), Revenue = g.Sum(r => r.Revenue) })
            .FirstOrDefaultAsync(cancellationToken);
        return totals is null ? (0, 0) : (totals.Tokens, totals.Revenue);
    }

    /// <summary>Tokens and revenue per Beijing day for the last 90 days, from the hourly rollups.</summary>
    private static async Task<IReadOnlyList<(DateTime Day, long Tokens, double Revenue)>> DailyAsync(TokenConsoleDbContext db, DateTime nowUtc, CancellationToken cancellationToken)
    {
        var from = BusinessCalendar.DayStartUtc(nowUtc.AddDays(-89));
        var hourly = await db.UsageRollups.Where(r => r.Hour >= from)
            .GroupBy(r => r.Hour)
            .Select(g => new { Hour = g.Key, Tokens = g.Sum(r => r.InputTokens + r.OutputTokens), Revenue = g.Sum(r => r.Revenue) })
            .ToListAsync(cancellationToken);
        return [.. hourly
            .GroupBy(h => BusinessCalendar.ToLocal(h.Hour).Date)
            .OrderBy(g => g.Key)
            .Select(g => (g.Key, g.Sum(h => h.Tokens), g.Sum(h => h.Revenue)))];
    }
}
