using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;
using TokenConsole.Features.Catalog;
using TokenConsole.Features.Compute;

namespace TokenConsole.Features.Overview;

/// <summary>A KPI (tokens or CNY) against its previous value, in decimal so that money stays exact.</summary>
public sealed record Kpi(decimal Value, decimal? Previous)
{
    /// <summary>The change against the previous value as a ratio; null when there is no previous value.</summary>
    public decimal? Change => Previous is > 0 ? Value / Previous.Value - 1 : null;
}

public sealed record OverviewData(
    Kpi TokensThisMonth,
    Kpi RevenueThisMonth,
    int ActivePackages,
    int Customers,
    int ActiveSubscriptions,
    // The busiest hour of the last 24: tokens served by the online pools against their capacity.
    double PeakUtilisation,
    string? BusiestPool,
    // The busiest pool's own busiest hour against its capacity.
    double BusiestPoolUtilisation,
    IReadOnlyList<(DateTime Day, long Tokens, decimal Revenue)> Daily);

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

        var (peak, busiestPool, busiestPeak) = await PeakUtilisationAsync(db, nowUtc, cancellationToken);

        var daily = await DailyAsync(db, nowUtc, cancellationToken);
        return new OverviewData(
            new Kpi(thisMonth.Tokens, lastMonth.Tokens), new Kpi(Money.FromMicros(thisMonth.RevenueMicros), Money.FromMicros(lastMonth.RevenueMicros)),
            activePackages, customers, activeSubscriptions, peak, busiestPool, busiestPeak, daily);
    }

    private static async Task<(double Peak, string? BusiestPool, double BusiestPeak)> PeakUtilisationAsync(
        TokenConsoleDbContext db, DateTime nowUtc, CancellationToken cancellationToken)
    {
        var dayAgo = nowUtc.AddDays(-1);
        var pools = await db.Pools.AsNoTracking().Where(p => p.Status == PoolStatus.Online).ToDictionaryAsync(p => p.Id, cancellationToken);
        var hourly = await db.UsageRollups.Where(r => r.Hour >= dayAgo && r.Hour < nowUtc)
            .GroupBy(r => new { r.PoolId, r.Hour })
            .Select(g => new { g.Key.PoolId, g.Key.Hour, Tokens = g.Sum(r => r.InputTokens + r.OutputTokens) })
            .ToListAsync(cancellationToken);
        var online = hourly.Where(h => pools.ContainsKey(h.PoolId)).ToList();
        var capacityPerHour = pools.Values.Sum(p => (double)p.CapacityTokensPerSecond) * 3600;
        var peak = capacityPerHour == 0 || online.Count == 0 ? 0 : online.GroupBy(h => h.Hour).Max(g => g.Sum(h => (double)h.Tokens)) / capacityPerHour;
        var busiest = online.GroupBy(h => h.PoolId)
            .Select(g => (Pool: pools[g.Key], Peak: g.Max(h => h.Tokens) / (pools[g.Key].CapacityTokensPerSecond * 3600.0)))
            .OrderByDescending(x => x.Peak).FirstOrDefault();
        return (peak, busiest.Pool?.Code, busiest.Peak);
    }

    private static async Task<(long Tokens, long RevenueMicros)> TotalsAsync(TokenConsoleDbContext db, DateTime from, DateTime to, CancellationToken cancellationToken)
    {
        var totals = await db.UsageRollups.Where(r => r.Hour >= from && r.Hour < to)
            .GroupBy(_ => 1)
            .Select(g => new { Tokens = g.Sum(r => r.InputTokens + r.OutputTokens), RevenueMicros = g.Sum(r => r.RevenueMicros) })
            .FirstOrDefaultAsync(cancellationToken);
        return totals is null ? (0, 0) : (totals.Tokens, totals.RevenueMicros);
    }

    /// <summary>
    /// Tokens and revenue per Beijing day for the last 90 complete days, from the hourly rollups. Today is left out:
    /// a day in progress would look like a collapse at the end of the series.
    /// </summary>
    private static async Task<IReadOnlyList<(DateTime Day, long Tokens, decimal Revenue)>> DailyAsync(TokenConsoleDbContext db, DateTime nowUtc, CancellationToken cancellationToken)
    {
        var today = BusinessCalendar.DayStartUtc(nowUtc);
        var from = today.AddDays(-90);
        var hourly = await db.UsageRollups.Where(r => r.Hour >= from && r.Hour < today)
            .GroupBy(r => r.Hour)
            .Select(g => new { Hour = g.Key, Tokens = g.Sum(r => r.InputTokens + r.OutputTokens), RevenueMicros = g.Sum(r => r.RevenueMicros) })
            .ToListAsync(cancellationToken);
        return [.. hourly
            .GroupBy(h => BusinessCalendar.ToLocal(h.Hour).Date)
            .OrderBy(g => g.Key)
            .Select(g => (g.Key, g.Sum(h => h.Tokens), Money.FromMicros(g.Sum(h => h.RevenueMicros))))];
    }
}
