using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;

namespace TokenConsole.Features.Pricing;

public sealed record CellImpact(string Region, string Industry, double Before, double After)
{
    public double Delta => After - Before;
}

public sealed record CustomerImpact(int CustomerId, string Name, string Region, string Industry, double Before, double After)
{
    public double Delta => After - Before;
}

public sealed record SimulationResult(int Days, DateTime FromUtc, DateTime ToUtc, double RevenueBefore, double RevenueAfter, int RollupRows,
    IReadOnlyList<CellImpact> Cells, int CustomersAffected, int CustomersTotal, IReadOnlyList<CustomerImpact> LargestMovers, long ElapsedMs)
{
    public double Delta => RevenueAfter - RevenueBefore;
    public double DeltaPercent => RevenueBefore == 0 ? 0 : Delta / RevenueBefore;
}

/// <summary>
/// Re-rates a past period from the rollups with the current ruleset and with the proposed one. Each rollup row (hour ×
/// region × industry × model × package) is rated as one event with both engines and its recorded revenue is scaled by the
/// ratio, so the figures stay on the revenue actually booked. Customers come from the daily per-customer usage, rated the
/// same way with their segment and running monthly volume. Rollups carry no segment: segment-scoped rules move the
/// customer figures but not the region × industry cells.
/// </summary>
public sealed class ImpactSimulator(IDbContextFactory<TokenConsoleDbContext> dbFactory, RuleSetProvider ruleSets, PriceBookProvider priceBook, TimeProvider clock)
{
    public const int MaxDays = 90;

    /// <summary>The proposed ruleset as if it had been in force over the whole period.</summary>
    public static IReadOnlyList<PriceRule> Proposed(IReadOnlyList<PriceRule> current, PriceChangeContent content)
    {
        var replaced = content.Add.Select(r => r.Name).Concat(content.Retire).ToHashSet(StringComparer.Ordinal);
        return [.. current.Where(r => !replaced.Contains(r.Name)), .. content.Add.Select(r => r with { ValidFrom = null, ValidTo = null, Audience = PriceChangeAudience.AllSubscriptions })];
    }

    public async Task<SimulationResult> SimulateAsync(PriceChangeContent content, int days, IProgress<double>? progress = null, CancellationToken ct = default)
    {
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        days = Math.Clamp(days, 1, MaxDays);
        var currentEngine = ruleSets.Current;
        var book = priceBook.Current;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var proposedEngine = new RuleSetEngine(-1, Proposed(currentEngine.Rules, content), System.Collections.Frozen.FrozenDictionary<int, System.Collections.Frozen.FrozenSet<long>>.Empty, null);
        var to = BusinessCalendar.DayStartUtc(clock.GetUtcNow().UtcDateTime).AddDays(1);
        var from = to.AddDays(-days);
        progress?.Report(0.05);

        var cells = new Dictionary<(string, string), (double Before, double After)>();
        double before = 0, after = 0;
        var rows = 0;
        var query = db.UsageRollups.AsNoTracking().Where(r => r.Hour >= from && r.Hour < to)
            .Select(r => new { r.Hour, r.RegionCode, r.IndustryCode, r.ModelId, r.PackageId, r.InputTokens, r.OutputTokens, r.Revenue });
        await foreach (var r in query.AsAsyncEnumerable().WithCancellation(ct))
        {
            var context = new UsageContext(r.PackageId, r.ModelId, 0, r.RegionCode, r.IndustryCode, CustomerSegment.LargeEnterprise,
                new DateTimeOffset(DateTime.SpecifyKind(r.Hour, DateTimeKind.Utc)), r.InputTokens, r.OutputTokens, 0);
            var (b, a) = Rerate(book, currentEngine, proposedEngine, context, r.Revenue);
            before += b;
            after += a;
            var key = (r.RegionCode, r.IndustryCode);
            var cell = cells.GetValueOrDefault(key);
            cells[key] = (cell.Before + b, cell.After + a);
            if (++rows % 20_000 == 0) progress?.Report(0.05 + 0.6 * Math.Min(1, rows / 200_000.0));
        }
        progress?.Report(0.7);

        var customers = await db.Customers.AsNoTracking()
            .Select(c => new { c.Id, c.Name, c.RegionCode, c.IndustryCode, c.Segment, PackageId = c.Subscriptions.OrderByDescending(s => s.StartsAt).Select(s => (int?)s.PackageId).FirstOrDefault() })
            .ToDictionaryAsync(c => c.Id, ct);
        var perCustomer = new Dictionary<int, (double Before, double After)>();
        var monthly = new Dictionary<int, (DateTime Month, long Tokens)>();
        var daily = db.CustomerDailyUsage.AsNoTracking().Where(d => d.Day >= from && d.Day < to).OrderBy(d => d.Day)
            .Select(d => new { d.Day, d.CustomerId, d.ModelId, d.Tokens, d.Revenue });
        await foreach (var d in daily.AsAsyncEnumerable().WithCancellation(ct))
        {
            if (!customers.TryGetValue(d.CustomerId, out var customer) || customer.PackageId is not { } packageId) continue;
            var month = BusinessCalendar.MonthStartUtc(new DateTimeOffset(DateTime.SpecifyKind(d.Day, DateTimeKind.Utc)));
            var (m, used) = monthly.GetValueOrDefault(d.CustomerId);
            if (m != month) used = 0;
            var context = new UsageContext(packageId, d.ModelId, d.CustomerId, customer.RegionCode, customer.IndustryCode, customer.Segment,
                new DateTimeOffset(DateTime.SpecifyKind(d.Day, DateTimeKind.Utc)).AddHours(4), d.Tokens, 0, used);
            monthly[d.CustomerId] = (month, used + d.Tokens);
            var (b, a) = Rerate(book, currentEngine, proposedEngine, context, d.Revenue);
            var sum = perCustomer.GetValueOrDefault(d.CustomerId);
            perCustomer[d.CustomerId] = (sum.Before + b, sum.After + a);
        }
        progress?.Report(0.95);

        var movers = perCustomer.Where(p => Math.Abs(p.Value.After - p.Value.Before) > 0.005)
            .Select(p => new CustomerImpact(p.Key, customers[p.Key].Name, customers[p.Key].RegionCode, customers[p.Key].IndustryCode, p.Value.Before, p.Value.After))
            .ToList();
        var result = new SimulationResult(days, from, to, before, after, rows,
            [.. cells.Select(c => new CellImpact(c.Key.Item1, c.Key.Item2, c.Value.Before, c.Value.After))],
            movers.Count, perCustomer.Count, [.. movers.OrderByDescending(m => Math.Abs(m.Delta)).Take(10)], stopwatch.ElapsedMilliseconds);
        progress?.Report(1);
        return result;
    }

    /// <summary>The recorded revenue (before) and the revenue under the proposal, from the ratio of the two engines' prices.</summary>
    private static (double Before, double After) Rerate(PriceBook book, RuleSetEngine current, RuleSetEngine proposed, in UsageContext context, double recorded)
    {
        var rating = PackagePriceRatingEngine.RateBase(book, context, out var billable);
        if (rating.BaseRevenue <= 0) return (recorded, recorded);
        var now = current.Apply(context, rating.BaseRevenue, billable);
        var then = proposed.Apply(context, rating.BaseRevenue, billable);
        if (now <= 0) return (recorded, recorded + (then - now));
        return (recorded, recorded * then / now);
    }
}
