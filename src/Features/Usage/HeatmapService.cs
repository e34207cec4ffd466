using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;
using TokenConsole.Features.Catalog;

namespace TokenConsole.Features.Usage;

/// <summary>
/// The consumption heatmap, read from rollups only: the daily region × industry table for whole days without filters
/// (whatever the number of events behind it), the hourly rollups when the period is today or a segment, model or
/// package filter needs their finer key.
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
        var length = to - from;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var current = await CellsAsync(db, query, from, to, cancellationToken);
        var previous = await CellsAsync(db, query, from - length, from, cancellationToken);
        return new Heatmap(from, to, current, previous);
    }

    private static async Task<Dictionary<(string, string), UsageTotals>> CellsAsync(
        TokenConsoleDbContext db, HeatmapQuery query, DateTime from, DateTime to, CancellationToken cancellationToken)
    {
        var wholeDays = from == BusinessCalendar.DayStartUtc(from) && query.Period != HeatmapPeriod.Today;
        if (wholeDays && query.ModelId is null && query.PackageId is null && query.Segment is null)
        {
            // Day rows cover [day, day + 1): the period's last (partial) day is included as far as it has gone.
            var cells = db.RegionIndustryDaily.Where(r => r.Day >= from && r.Day < to);
            var rows = await cells.GroupBy(r => new { r.RegionCode, r.IndustryCode })
                .Select(g => new { g.Key.RegionCode, g.Key.IndustryCode, Tokens = g.Sum(r => r.Tokens), Calls = g.Sum(r => r.Calls), Revenue = g.Sum(r => r.Revenue), Cost = g.Sum(r => r.ComputeCost) })
                .ToListAsync(cancellationToken);
            return rows.ToDictionary(r => (r.RegionCode, r.IndustryCode), r => new UsageTotals(r.Tokens, r.Calls, r.Revenue, r.Cost));
        }

        var hourly = Filter(db, db.UsageRollups.Where(r => r.Hour >= from && r.Hour < to), query);
        var hourRows = await hourly.GroupBy(r => new { r.RegionCode, r.IndustryCode })
            .Select(g => new { g.Key.RegionCode, g.Key.IndustryCode, Tokens = g.Sum(r => r.InputTokens + r.OutputTokens), Calls = g.Sum(r => r.Calls), Revenue = g.Sum(r => r.Revenue), Cost = g.Sum(r => r.ComputeCost) })
            .ToListAsync(cancellationToken);
        return hourRows.ToDictionary(r => (r.RegionCode, r.IndustryCode), r => new UsageTotals(r.Tokens, r.Calls, r.Revenue, r.Cost));
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
