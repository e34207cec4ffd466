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
    /// Tokens and recognized revenue (usage charges, fees, top-ups, credits) of [from, to): the whole Beijing days from
    /// the daily region × industry table, and only the hours of the day in progress at <paramref name="to"/> from the
    /// hourly rollups — the heatmap's and the report's sums. Month to date read ~30 days of hourly rollups on every load
    /// (15,000 rows an hour at the load generator's density); now at most 24 hours of them.
    /// </summary>
    private static async Task<(long Tokens, long RevenueMicros)> TotalsAsync(TokenConsoleDbContext db, DateTime from, DateTime to, CancellationToken cancellationToken)
    {
        var split = BusinessCalendar.DayStartUtc(to);
        var days = await db.RegionIndustryDaily.Where(r => r.Day >= from && r.Day < split)
            .GroupBy(_ => 1)
            .Select(g => new { Tokens = g.Sum(r => r.Tokens), RevenueMicros = g.Sum(r => r.RevenueMicros + r.FeeMicros + r.TopUpMicros - r.CreditMicros) })
            .FirstOrDefaultAsync(cancellationToken);
        // A day's fees are recognized when it has closed: the part-day has usage charges only.
        var hours = await db.UsageRollups.Where(r => r.Hour >= split && r.Hour < to)
            .GroupBy(_ => 1)
            .Select(g => new { Tokens = g.Sum(r => r.InputTokens + r.OutputTokens), RevenueMicros = g.Sum(r => r.RevenueMicros) })
            .FirstOrDefaultAsync(cancellationToken);
        return ((days?.Tokens ?? 0) + (hours?.Tokens ?? 0), (days?.RevenueMicros ?? 0) + (hours?.RevenueMicros ?? 0));
    }

    /// <summary>
    /// Tokens and recognized revenue per Beijing day for the last 90 complete days, from the daily region × industry
    /// table (90 × 465 rows, where the hourly rollups held ~2,000 times more). Today is left out: a day in progress
    /// would look like a collapse at the end of the series.
    /// </summary>
    private static async Task<IReadOnlyList<(DateTime Day, long Tokens, decimal Revenue)>> DailyAsync(TokenConsoleDbContext db, DateTime nowUtc, CancellationToken cancellationToken)
    {
        var today = BusinessCalendar.DayStartUtc(nowUtc);
        var from = today.AddDays(-90);
        var days = await db.RegionIndustryDaily.Where(r => r.Day >= from && r.Day < today)
            .GroupBy(r => r.Day)
            .Select(g => new { Day = g.Key, Tokens = g.Sum(r => r.Tokens), Calls = g.Sum(r => r.Calls), RevenueMicros = g.Sum(r => r.RevenueMicros + r.FeeMicros + r.TopUpMicros - r.CreditMicros) })
            .ToListAsync(cancellationToken);
        // A day appears once it had usage (as it did from the hourly rollups); its fees are added to it.
        return [.. days.Where(d => d.Calls > 0 || d.Tokens > 0).OrderBy(d => d.Day).Select(d => (BusinessCalendar.ToLocal(d.Day).Date, d.Tokens, Money.FromMicros(d.RevenueMicros)))];
    }
}
