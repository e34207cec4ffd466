using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;

namespace TokenConsole.Features.Usage;

/// <summary>
/// The consumption heatmap, read from rollups only: the daily region × industry table for whole days without filters
/// (whatever the number of events behind it), the hourly rollups for the part of a day before them, or when the period
/// is today or a segment, model or package filter needs their finer key.
/// </summary>
public sealed class HeatmapService(IDbContextFactory<TokenConsoleDbContext> dbFactory, TimeProvider clock)
{
    public const int MaxCustomDays = 366;

    /// <summary>The UTC bounds [from, to) of a period; days are Beijing days.</summary>
    public (DateTime From, DateTime To) Bounds(HeatmapQuery query)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var today = BusinessCalendar.DayStartUtc(now);
        return query.Period switch
        {
            HeatmapPeriod.Today => (today, now),
            HeatmapPeriod.Days7 => (today.AddDays(-6), now),
            HeatmapPeriod.Days90 => (today.AddDays(-89), now),
            HeatmapPeriod.Custom when query.From is { } from && query.To is { } to && from <= to && to.DayNumber - from.DayNumber < MaxCustomDays =>
                (BusinessCalendar.ToUtc(from.ToDateTime(TimeOnly.MinValue)), Min(BusinessCalendar.ToUtc(to.AddDays(1).ToDateTime(TimeOnly.MinValue)), now)),
            HeatmapPeriod.Custom => throw new ArgumentException("A custom period needs a start date on or before its end date, at most a year apart."),
            _ => (today.AddDays(-29), now),
        };
    }

    public async Task<Heatmap> GetAsync(HeatmapQuery query, CancellationToken cancellationToken = default)
    {
        var (from, to) = Bounds(query);
        // Today is compared with the same hours of yesterday (the hours just before it would be the evening and night
        // before); the other periods with as long a time just before them.
        var (previousFrom, previousTo) = query.Period == HeatmapPeriod.Today ? (from.AddDays(-1), to.AddDays(-1)) : (from - (to - from), from);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var dataFrom = await db.UsageRollups.MinAsync(r => (DateTime?)r.Hour, cancellationToken);
        if (query.Period != HeatmapPeriod.Today && query.ModelId is null && query.PackageId is null && query.Segment is null
            && from == BusinessCalendar.DayStartUtc(from))
        {
            // Whole days, no filter: the daily region × industry table, whatever the number of events behind it, read
            // once for both periods. The period before one that ends now (e.g. the 90 days before the last 90) starts
            // in the middle of a day: only that first part-day comes from the hourly rollups.
            var firstDay = BusinessCalendar.DayStartUtc(previousFrom);
            if (firstDay < previousFrom)
            {
                firstDay = firstDay.AddDays(1);
            }
            var (current, previous) = await DailyCellsAsync(query, previousFrom, firstDay, from, to, cancellationToken);
            return new Heatmap(from, to, current, previous) { PreviousFromUtc = previousFrom, DataFromUtc = dataFrom };
        }
        return new Heatmap(from, to,
            await HourlyCellsAsync(db, query, from, to, cancellationToken),
            await HourlyCellsAsync(db, query, previousFrom, previousTo, cancellationToken)) { PreviousFromUtc = previousFrom, DataFromUtc = dataFrom };
    }

    /// <summary>
    /// The cells of days [<paramref name="firstDay"/>, <paramref name="split"/>) — with the part-day
    /// [<paramref name="previousFrom"/>, firstDay) before them from the hourly cells — and of [split, <paramref name="to"/>):
    /// each range's whole months from the monthly table, its other days from the daily one (<see cref="RegionIndustryCells"/>).
    /// The two periods are read side by side, each on its own connection and thread (SQLite's "async" calls complete
    /// synchronously): one after the other, the 90-day view on three years of history took p95 61–64 ms; side by side
    /// 43–45 ms (4 Dec). The work is the same: under many requests at once this buys nothing, alone it halves the wait.
    /// Revenue is recognized revenue: the usage charges, and the fees, top-ups and credits the recognizer and the
    /// credit notes added to the same rows. The period's last (partial) day is included as far as it has gone.
    /// </summary>
    private async Task<(Dictionary<(string, string), UsageTotals> Current, Dictionary<(string, string), UsageTotals> Previous)> DailyCellsAsync(
        HeatmapQuery query, DateTime previousFrom, DateTime firstDay, DateTime split, DateTime to, CancellationToken cancellationToken)
    {
        // A cell appears in a period only if it had usage or revenue in it (fees alone count: allowance bought, unused).
        static Dictionary<(string, string), UsageTotals> Shown(Dictionary<(string Region, string Industry), CellSums> cells) =>
            cells.Where(c => c.Value.Calls > 0 || c.Value.Tokens > 0 || c.Value.RevenueMicros != 0)
                .ToDictionary(c => (c.Key.Region, c.Key.Industry), c => new UsageTotals(c.Value.Tokens, c.Value.Calls, c.Value.RevenueMicros, c.Value.ComputeCostMicros));
        var previousTask = Task.Run(async () =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var previous = Shown(await RegionIndustryCells.SumAsync(db, firstDay, split, cancellationToken));
            if (previousFrom < firstDay)
            {
                foreach (var (key, totals) in await HourlyCellsAsync(db, query, previousFrom, firstDay, cancellationToken))
                {
                    previous[key] = previous.GetValueOrDefault(key) + totals;
                }
            }
            return previous;
        }, cancellationToken);
        var currentTask = Task.Run(async () =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            return Shown(await RegionIndustryCells.SumAsync(db, split, to, cancellationToken));
        }, cancellationToken);
        return (await currentTask, await previousTask);
    }

    private static async Task<Dictionary<(string, string), UsageTotals>> HourlyCellsAsync(
        TokenConsoleDbContext db, HeatmapQuery query, DateTime from, DateTime to, CancellationToken cancellationToken)
    {
        Dictionary<(string, string), UsageTotals> cells;
        if (query.ModelId is null && query.PackageId is null && query.Segment is null)
        {
            // Unfiltered: the hours summed per cell (at most 465 rows an hour, where the hourly rollups hold ~15,000).
            cells = await db.RegionIndustryHourly.Where(r => r.Hour >= from && r.Hour < to)
                .GroupBy(r => new { r.RegionCode, r.IndustryCode })
                .Select(g => new { g.Key.RegionCode, g.Key.IndustryCode, Tokens = g.Sum(r => r.Tokens), Calls = g.Sum(r => r.Calls), Revenue = g.Sum(r => r.RevenueMicros), Cost = g.Sum(r => r.ComputeCostMicros) })
                .ToDictionaryAsync(r => (r.RegionCode, r.IndustryCode), r => new UsageTotals(r.Tokens, r.Calls, r.Revenue, r.Cost), cancellationToken);
        }
        else
        {
            var hourly = Filter(db, db.UsageRollups.Where(r => r.Hour >= from && r.Hour < to), query);
            cells = await hourly.GroupBy(r => new { r.RegionCode, r.IndustryCode })
                .Select(g => new { g.Key.RegionCode, g.Key.IndustryCode, Tokens = g.Sum(r => r.InputTokens + r.OutputTokens), Calls = g.Sum(r => r.Calls), Revenue = g.Sum(r => r.RevenueMicros), Cost = g.Sum(r => r.ComputeCostMicros) })
                .ToDictionaryAsync(r => (r.RegionCode, r.IndustryCode), r => new UsageTotals(r.Tokens, r.Calls, r.Revenue, r.Cost), cancellationToken);
        }
        foreach (var (key, fees) in await FeeCellsAsync(db, query, from, to, cancellationToken))
        {
            cells[key] = cells.GetValueOrDefault(key) + new UsageTotals(0, 0, fees, 0);
        }
        return cells;
    }

    /// <summary>
    /// Recognized fees, top-ups and credits per cell for the whole Beijing days inside [from, to) (they are recognized
    /// per closed day, so a part-day has none to compare). Unfiltered: from the daily region × industry table; by
    /// package or segment: the package's own rows of RevenueDaily (credits belong to no package); by model: none — a
    /// fee buys an allowance, not a model, and the page says so.
    /// </summary>
    internal static async Task<Dictionary<(string, string), long>> FeeCellsAsync(
        TokenConsoleDbContext db, HeatmapQuery query, DateTime from, DateTime to, CancellationToken cancellationToken)
    {
        if (query.ModelId is not null)
        {
            return new Dictionary<(string, string), long>();
        }
        var lastDay = to.AddDays(-1);
        if (query.PackageId is null && query.Segment is null)
        {
            var daily = await db.RegionIndustryDaily.Where(r => r.Day >= from && r.Day <= lastDay)
                .GroupBy(r => new { r.RegionCode, r.IndustryCode })
                .Select(g => new { g.Key.RegionCode, g.Key.IndustryCode, Revenue = g.Sum(r => r.FeeMicros + r.TopUpMicros - r.CreditMicros) })
                .ToListAsync(cancellationToken);
            return daily.Where(r => r.Revenue != 0).ToDictionary(r => (r.RegionCode, r.IndustryCode), r => r.Revenue);
        }
        var rows = FilterRevenue(db, db.RevenueDaily.Where(r => r.Day >= from && r.Day <= lastDay), query);
        var sums = await rows.GroupBy(r => new { r.RegionCode, r.IndustryCode })
            .Select(g => new { g.Key.RegionCode, g.Key.IndustryCode, Revenue = g.Sum(r => r.FeeMicros + r.TopUpMicros - r.CreditMicros) })
            .ToListAsync(cancellationToken);
        return sums.Where(r => r.Revenue != 0).ToDictionary(r => (r.RegionCode, r.IndustryCode), r => r.Revenue);
    }

    /// <summary>The package and segment filters on recognized fee rows, as <see cref="Filter"/> does on the rollups.</summary>
    internal static IQueryable<Billing.RevenueDaily> FilterRevenue(TokenConsoleDbContext db, IQueryable<Billing.RevenueDaily> rows, HeatmapQuery query)
    {
        if (query.PackageId is { } package)
        {
            rows = rows.Where(r => r.PackageId == package);
        }
        if (query.Segment is { } segment)
        {
            rows = rows.Where(r => db.Packages.Any(p => p.Id == r.PackageId && p.Segment == segment));
        }
        return rows;
    }

    /// <summary>The query's model, package and segment filters on hourly rollups (a package's segment is its customers').</summary>
    internal static IQueryable<UsageRollup> Filter(TokenConsoleDbContext db, IQueryable<UsageRollup> rollups, HeatmapQuery query)
    {
        if (query.ModelId is { } model)
        {
            rollups = rollups.Where(r => r.ModelId == model);
        }
        if (query.PackageId is { } package)
        {
            rollups = rollups.Where(r => r.PackageId == package);
        }
        if (query.Segment is { } segment)
        {
            rollups = rollups.Where(r => db.Packages.Any(p => p.Id == r.PackageId && p.Segment == segment));
        }
        return rollups;
    }

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;
}
