using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;
using TokenConsole.Features.Catalog;

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
    // The busiest pool of the last 24 hours: the one whose busiest hour used most of its capacity; null without usage.
    PoolPeak? BusiestPool,
    IReadOnlyList<(DateTime Day, long Tokens, decimal Revenue)> Daily)
{
    /// <summary>Peak pool utilisation over the last 24 hours: the busiest pool's busiest hour against its capacity.</summary>
    public double PeakUtilisation => BusiestPool?.Utilisation ?? 0;
}

/// <summary>A pool's busiest hour against its capacity (1 = the capacity, an hour at its tokens per second), with its names.</summary>
public sealed record PoolPeak(string Code, string NameEn, string NameZh, double Utilisation)
{
    public string Name(bool chinese) => chinese ? NameZh : NameEn;
}

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

        var busiestPool = await BusiestPoolAsync(db, nowUtc, cancellationToken);

        var daily = await DailyAsync(db, nowUtc, cancellationToken);
        return new OverviewData(
            new Kpi(thisMonth.Tokens, lastMonth.Tokens), new Kpi(Money.FromMicros(thisMonth.RevenueMicros), Money.FromMicros(lastMonth.RevenueMicros)),
            activePackages, customers, activeSubscriptions, busiestPool, daily);
    }

    /// <summary>
    /// Each pool's busiest hour of the last 24 against its own capacity, and the highest of them. Every pool that served
    /// in the window counts, whatever its status now: a pool drained since its peak still had it.
    /// </summary>
    private static async Task<PoolPeak?> BusiestPoolAsync(TokenConsoleDbContext db, DateTime nowUtc, CancellationToken cancellationToken)
    {
        var dayAgo = nowUtc.AddDays(-1);
        var pools = await db.Pools.AsNoTracking().Where(p => p.CapacityTokensPerSecond > 0).ToDictionaryAsync(p => p.Id, cancellationToken);
        var hourly = await db.UsageRollups.Where(r => r.Hour >= dayAgo && r.Hour < nowUtc)
            .GroupBy(r => new { r.PoolId, r.Hour })
            .Select(g => new { g.Key.PoolId, Tokens = g.Sum(r => r.InputTokens + r.OutputTokens) })
            .ToListAsync(cancellationToken);
        return hourly.Where(h => pools.ContainsKey(h.PoolId))
            .GroupBy(h => h.PoolId)
            .Select(g =>
            {
                var pool = pools[g.Key];
                return new PoolPeak(pool.Code, pool.Name, pool.NameZh, g.Max(h => h.Tokens) / (pool.CapacityTokensPerSecond * 3600.0));
            })
            .OrderByDescending(p => p.Utilisation).ThenBy(p => p.Code, StringComparer.Ordinal)
            .FirstOrDefault();
    }

    /// <summary>
    /// Tokens, and recognized revenue: usage charges from the hourly rollups plus the fees, top-ups and credits of the
    /// whole Beijing days inside [from, to) from the daily region × industry table — the heatmap's and the report's sums.
    /// </summary>
    private static async Task<(long Tokens, long RevenueMicros)> TotalsAsync(TokenConsoleDbContext db, DateTime from, DateTime to, CancellationToken cancellationToken)
    {
        var totals = await db.UsageRollups.Where(r => r.Hour >= from && r.Hour < to)
            .GroupBy(_ => 1)
            .Select(g => new { Tokens = g.Sum(r => r.InputTokens + r.OutputTokens), RevenueMicros = g.Sum(r => r.RevenueMicros) })
            .FirstOrDefaultAsync(cancellationToken);
        var lastDay = to.AddDays(-1);
        var fees = await db.RegionIndustryDaily.Where(r => r.Day >= from && r.Day <= lastDay)
            .SumAsync(r => (long?)(r.FeeMicros + r.TopUpMicros - r.CreditMicros), cancellationToken) ?? 0;
        return totals is null ? (0, fees) : (totals.Tokens, totals.RevenueMicros + fees);
    }

    /// <summary>
    /// Tokens and recognized revenue per Beijing day for the last 90 complete days, from the hourly rollups and the fees of the daily table. Today is left out:
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
        var fees = await db.RegionIndustryDaily.Where(r => r.Day >= from && r.Day < today)
            .GroupBy(r => r.Day)
            .Select(g => new { Day = g.Key, Micros = g.Sum(r => r.FeeMicros + r.TopUpMicros - r.CreditMicros) })
            .ToDictionaryAsync(x => BusinessCalendar.ToLocal(x.Day).Date, x => x.Micros, cancellationToken);
        return [.. hourly
            .GroupBy(h => BusinessCalendar.ToLocal(h.Hour).Date)
            .OrderBy(g => g.Key)
            .Select(g => (g.Key, g.Sum(h => h.Tokens), Money.FromMicros(g.Sum(h => h.RevenueMicros) + fees.GetValueOrDefault(g.Key))))];
    }
}
