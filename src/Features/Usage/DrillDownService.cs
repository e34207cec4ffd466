using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;

namespace TokenConsole.Features.Usage;

public sealed record DrillDown(
    string Region,
    string Industry,
    bool Hourly,
    IReadOnlyList<(DateTime Time, long Tokens, decimal Revenue)> Series,
    IReadOnlyList<(string Model, long Tokens)> Models,
    IReadOnlyList<(string Pool, long Tokens)> Pools,
    IReadOnlyList<(string Code, string Name, string NameZh, long Tokens, decimal Revenue)> TopCustomers);

/// <summary>One heatmap cell in detail, from the rollups: its time series, model split, pools and top customers.</summary>
public sealed class DrillDownService(IDbContextFactory<TokenConsoleDbContext> dbFactory, HeatmapService heatmap)
{
    public async Task<DrillDown> GetAsync(string region, string industry, HeatmapQuery query, CancellationToken cancellationToken = default)
    {
        var (from, to) = heatmap.Bounds(query);
        var hourly = to - from <= TimeSpan.FromDays(2);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rollups = HeatmapService.Filter(db,
            db.UsageRollups.Where(r => r.RegionCode == region && r.IndustryCode == industry && r.Hour >= from && r.Hour < to), query);

        // One pass over the cell's hourly rollups, summed by hour, model and pool (only the package of the key is summed
        // away): the series, the model split and the pool split are all sums of these rows, added up here. Three GROUP BYs
        // read the same rows three times — on PostgreSQL each a heap fetch of most of the table's pages, as a cell's rows
        // lie on every page of the hour-ordered table (811 ms p50 for 90 days of 53M rows).
        var parts = await rollups.GroupBy(r => new { r.Hour, r.ModelId, r.PoolId })
            .Select(g => new { g.Key.Hour, g.Key.ModelId, g.Key.PoolId, Tokens = g.Sum(r => r.InputTokens + r.OutputTokens), RevenueMicros = g.Sum(r => r.RevenueMicros) })
            .ToListAsync(cancellationToken);
        // Every hour or day of the period gets a point, zero when nothing was used: a gap is information, not a line to draw across.
        var buckets = parts.GroupBy(p => hourly ? p.Hour : BusinessCalendar.DayStartUtc(p.Hour))
            .ToDictionary(g => g.Key, g => (Tokens: g.Sum(p => p.Tokens), RevenueMicros: g.Sum(p => p.RevenueMicros)));
        if (!hourly)
        {
            // Fees are recognized per Beijing day: they join the daily series (an hourly one shows the usage charges).
            var fees = HeatmapService.FilterRevenue(db, db.RevenueDaily.Where(r => r.RegionCode == region && r.IndustryCode == industry && r.Day >= from && r.Day < to), query);
            var feeDays = query.ModelId is null
                ? await fees.GroupBy(r => r.Day).Select(g => new { Day = g.Key, Micros = g.Sum(r => r.FeeMicros + r.TopUpMicros - r.CreditMicros) }).ToListAsync(cancellationToken)
                : [];
            foreach (var f in feeDays)
            {
                var bucket = buckets.GetValueOrDefault(f.Day);
                buckets[f.Day] = (bucket.Tokens, bucket.RevenueMicros + f.Micros);
            }
        }
        var step = hourly ? TimeSpan.FromHours(1) : TimeSpan.FromDays(1);
        var series = new List<(DateTime, long, decimal)>();
        for (var t = hourly ? new DateTime(from.Ticks - from.Ticks % TimeSpan.TicksPerHour, DateTimeKind.Utc) : BusinessCalendar.DayStartUtc(from); t < to; t += step)
        {
            var bucket = buckets.GetValueOrDefault(t);
            series.Add((t, bucket.Tokens, Money.FromMicros(bucket.RevenueMicros)));
        }

        var models = parts.GroupBy(p => p.ModelId).Select(g => new { g.Key, Tokens = g.Sum(p => p.Tokens) }).ToList();
        var modelNames = await db.Models.AsNoTracking().ToDictionaryAsync(m => m.Id, m => m.Name, cancellationToken);
        var pools = parts.GroupBy(p => p.PoolId).Select(g => new { g.Key, Tokens = g.Sum(p => p.Tokens) }).ToList();
        var poolCodes = await db.Pools.AsNoTracking().ToDictionaryAsync(p => p.Id, p => p.Code, cancellationToken);

        // Customers are counted in the cell of their home region and industry (the per-customer rollup has no region).
        var fromDay = BusinessCalendar.DayStartUtc(from);
        var customerUsage = db.CustomerDailyUsage.Where(u => u.Day >= fromDay && u.Day < to);
        if (query.ModelId is { } m)
        {
            customerUsage = customerUsage.Where(u => u.ModelId == m);
        }
        var top = await (from u in customerUsage
                         join c in db.Customers on u.CustomerId equals c.Id
                         where c.RegionCode == region && c.IndustryCode == industry && (query.Segment == null || c.Segment == query.Segment)
                         group u by new { c.Id, c.Code, c.Name, c.NameZh } into g
                         select new { g.Key.Id, g.Key.Code, g.Key.Name, g.Key.NameZh, Tokens = g.Sum(u => u.Tokens), RevenueMicros = g.Sum(u => u.RevenueMicros) })
            .OrderByDescending(x => x.Tokens).Take(10).ToListAsync(cancellationToken);
        // Their revenue includes the fees recognized for them in the cell (none under a model filter).
        var topIds = top.Select(t => t.Id).ToList();
        var topFees = query.ModelId is not null || topIds.Count == 0 ? new Dictionary<int, long>() : await HeatmapService.FilterRevenue(db,
                db.RevenueDaily.Where(r => topIds.Contains(r.CustomerId) && r.RegionCode == region && r.IndustryCode == industry && r.Day >= fromDay && r.Day < to), query)
            .GroupBy(r => r.CustomerId).Select(g => new { g.Key, Micros = g.Sum(r => r.FeeMicros + r.TopUpMicros - r.CreditMicros) })
            .ToDictionaryAsync(x => x.Key, x => x.Micros, cancellationToken);

        return new DrillDown(region, industry, hourly, series,
            [.. models.OrderByDescending(x => x.Tokens).Select(x => (modelNames.GetValueOrDefault(x.Key, "?"), x.Tokens))],
            [.. pools.OrderByDescending(x => x.Tokens).Select(x => (poolCodes.GetValueOrDefault(x.Key, "?"), x.Tokens))],
            [.. top.Select(x => (x.Code, x.Name, x.NameZh, x.Tokens, Money.FromMicros(x.RevenueMicros + topFees.GetValueOrDefault(x.Id))))]);
    }
}
