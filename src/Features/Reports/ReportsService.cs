using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;
using TokenConsole.Features.Usage;

namespace TokenConsole.Features.Reports;

/// <summary>
/// The executive report. It reads region × industry months and days (usage, compute cost and the recognized fees,
/// top-ups and credits), package × model days (the same sums) and, for customers and segments, the customer months
/// (with the customer daily usage and RevenueDaily for a period's part-months); never the hourly rollups (but for where
/// the data starts) nor the raw events. Revenue everywhere is recognized revenue: fees +
/// usage charges + top-ups − credits; margin = revenue − compute cost.
/// </summary>
public sealed class ReportsService(IDbContextFactory<TokenConsoleDbContext> dbFactory, TimeProvider clock)
{
    /// <summary>The period a report opens with: last month, the last whole Beijing month.</summary>
    public ReportPeriod DefaultPeriod() => ReportPeriod.LastMonth(clock.GetUtcNow());

    public DateOnly Today() => ReportPeriod.Today(clock.GetUtcNow());

    /// <summary>The first Beijing day with usage in the rollups, where the period pickers start; null when there is none.</summary>
    public async Task<DateOnly?> DataFromAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await DataFromAsync(db, cancellationToken);
    }

    private static async Task<DateOnly?> DataFromAsync(TokenConsoleDbContext db, CancellationToken cancellationToken) =>
        await db.UsageRollups.MinAsync(r => (DateTime?)r.Hour, cancellationToken) is { } first ? DateOnly.FromDateTime(BusinessCalendar.ToLocal(first)) : null;

    public async Task<ReportData> GetAsync(ReportPeriod period, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var previous = period.Previous;
        var dataFrom = await DataFromAsync(db, cancellationToken);
        // Changes are only shown against a previous period the data covers from its first day.
        var comparable = dataFrom is { } first && first <= previous.From;

        var current = await PlacesAsync(db, period, cancellationToken);
        var before = await PlacesAsync(db, previous, cancellationToken);
        var products = await ProductsAsync(db, period, cancellationToken);
        var productsBefore = await ProductsAsync(db, previous, cancellationToken);
        var customers = await CustomerTotalsAsync(db, period, cancellationToken);
        var customersBefore = await CustomerTotalsAsync(db, previous, cancellationToken);

        var regions = await db.Regions.AsNoTracking().ToDictionaryAsync(r => r.Code, r => (r.NameEn, r.NameZh), cancellationToken);
        var industries = await db.Industries.AsNoTracking().ToDictionaryAsync(i => i.Code, i => (i.NameEn, i.NameZh), cancellationToken);
        // Models and packages are keyed by their codes, which people know; their ids stay in the database.
        var modelCodes = await db.Models.AsNoTracking().ToDictionaryAsync(m => m.Id, m => m.Code, cancellationToken);
        var models = await db.Models.AsNoTracking().ToDictionaryAsync(m => m.Code, m => (m.Name, m.Name), cancellationToken);
        var (packageCodes, packages) = await PackageNamesAsync(db, cancellationToken);
        var customerIds = customers.Keys.Union(customersBefore.Keys).ToList();
        var people = await db.Customers.AsNoTracking().Where(c => customerIds.Contains(c.Id))
            .Select(c => new { c.Id, c.Code, c.Name, c.NameZh, c.Segment, c.IndustryCode, c.RegionCode })
            .ToDictionaryAsync(c => c.Id, cancellationToken);

        var subscribed = await ReportSubscriptions.SubscribedCustomersAsync(db, period, cancellationToken);
        var subscribedBefore = await ReportSubscriptions.SubscribedCustomersAsync(db, previous, cancellationToken);
        var kpis = Kpis(current, before, subscribed, subscribedBefore, comparable);
        var breakage = await ReportSubscriptions.BreakageAsync(db, period, cancellationToken);
        var daily = await DailyAsync(db, period, cancellationToken);

        var segments = customers.Select(c => (Key: people[c.Key].Segment.ToString(), c.Value, Previous: false))
            .Concat(customersBefore.Select(c => (Key: people[c.Key].Segment.ToString(), c.Value, Previous: true)))
            .GroupBy(x => x.Key)
            .Select(g => new BreakdownRow(g.Key, $"Segment.{g.Key}", $"Segment.{g.Key}",
                g.Where(x => !x.Previous).Sum(x => x.Value.Tokens), g.Where(x => !x.Previous).Sum(x => x.Value.Revenue),
                g.Where(x => !x.Previous).Sum(x => x.Value.ComputeCost),
                g.Where(x => x.Previous).Sum(x => x.Value.Tokens), g.Where(x => x.Previous).Sum(x => x.Value.Revenue), comparable))
            .OrderByDescending(r => r.Revenue).ToList();

        var top = customers.OrderByDescending(c => c.Value.Revenue).ThenBy(c => c.Key).Take(ReportData.TopCustomersShown)
            .Select(c =>
            {
                var p = people[c.Key];
                return new TopCustomer(p.Id, p.Code, p.Name, p.NameZh, p.Segment, p.IndustryCode, p.RegionCode, c.Value.Tokens, c.Value.Revenue,
                    customersBefore.TryGetValue(c.Key, out var b) ? b.Revenue : 0, comparable);
            }).ToList();

        var heatmap = current.Select(c => new MarginCell(c.RegionCode, c.IndustryCode, c.Revenue, c.ComputeCost))
            .OrderBy(c => c.RegionCode, StringComparer.Ordinal).ThenBy(c => c.IndustryCode, StringComparer.Ordinal).ToList();

        return new ReportData(period, kpis, daily,
            Breakdown(current, before, c => c.RegionCode, regions, comparable),
            Breakdown(current, before, c => c.IndustryCode, industries, comparable),
            segments,
            // Models carry the usage charges only: a fee buys an allowance, not a model.
            Breakdown([.. products.Where(c => c.ModelId != 0)], [.. productsBefore.Where(c => c.ModelId != 0)], c => modelCodes.GetValueOrDefault(c.ModelId, $"#{c.ModelId}"), models, comparable),
            Breakdown(products, productsBefore, c => c.PackageId == 0 ? CreditNotesKey : packageCodes.GetValueOrDefault(c.PackageId, $"#{c.PackageId}"), packages, comparable),
            heatmap, top, dataFrom)
        {
            Split = Split(current),
            PreviousSplit = Split(before),
            Breakage = breakage,
        };
    }

    /// <summary>What every breakdown sums: usage and its compute cost, and the recognized fees, top-ups and credits.</summary>
    private interface ICell
    {
        long Tokens { get; }
        decimal ComputeCost { get; }
        /// <summary>Recognized revenue: fees + usage charges + top-ups − credits.</summary>
        decimal Revenue { get; }
    }

    /// <summary>A region × industry cell of the period: its usage and its fees, top-ups and credits.</summary>
    private sealed record Place(string RegionCode, string IndustryCode, long Tokens, decimal Usage, decimal ComputeCost, decimal Fees, decimal TopUps, decimal Credits) : ICell
    {
        public decimal Revenue => Usage + Fees + TopUps - Credits;
    }

    /// <summary>A package × model cell of the period (model 0: the package's fees and top-ups; package 0: credit notes).</summary>
    private sealed record Product(int PackageId, int ModelId, long Tokens, decimal Usage, decimal ComputeCost, decimal Fees, decimal TopUps, decimal Credits) : ICell
    {
        public decimal Revenue => Usage + Fees + TopUps - Credits;
    }

    private sealed record CustomerTotals(long Tokens, decimal Revenue, decimal ComputeCost);

    /// <summary>Credit notes belong to the customer, not to a package (package 0 in RevenueDaily): their row in the package table.</summary>
    internal const string CreditNotesKey = "credit-notes";

    /// <summary>
    /// The period's region × industry cells (<see cref="RegionIndustryCells"/>: its whole months from the monthly table,
    /// the days around them from the daily one). The hourly rollups these replace held ~15,000 rows an hour: a quarter's
    /// report took 45 s on them.
    /// </summary>
    private static async Task<List<Place>> PlacesAsync(TokenConsoleDbContext db, ReportPeriod period, CancellationToken cancellationToken) =>
        [.. (await RegionIndustryCells.SumAsync(db, period.StartUtc, period.EndUtc, cancellationToken)).Select(c => new Place(c.Key.Region, c.Key.Industry,
            c.Value.Tokens, Money.FromMicros(c.Value.UsageMicros), Money.FromMicros(c.Value.ComputeCostMicros), Money.FromMicros(c.Value.FeeMicros),
            Money.FromMicros(c.Value.TopUpMicros), Money.FromMicros(c.Value.CreditMicros)))];

    /// <summary>The period's package × model cells, from the daily table kept beside the region × industry one from the same sums.</summary>
    private static async Task<List<Product>> ProductsAsync(TokenConsoleDbContext db, ReportPeriod period, CancellationToken cancellationToken)
    {
        var (from, to) = (period.StartUtc, period.EndUtc);
        var rows = await db.PackageModelDaily.Where(r => r.Day >= from && r.Day < to)
            .GroupBy(r => new { r.PackageId, r.ModelId })
            .Select(g => new
            {
                g.Key.PackageId, g.Key.ModelId, Tokens = g.Sum(r => r.Tokens), Usage = g.Sum(r => r.RevenueMicros), Cost = g.Sum(r => r.ComputeCostMicros),
                Fee = g.Sum(r => r.FeeMicros), TopUp = g.Sum(r => r.TopUpMicros), Credit = g.Sum(r => r.CreditMicros),
            })
            .ToListAsync(cancellationToken);
        return [.. rows.Select(r => new Product(r.PackageId, r.ModelId, r.Tokens, Money.FromMicros(r.Usage), Money.FromMicros(r.Cost),
            Money.FromMicros(r.Fee), Money.FromMicros(r.TopUp), Money.FromMicros(r.Credit)))];
    }

    /// <summary>
    /// Per customer: usage and recognized revenue (usage charges, fees, top-ups, credits). The period's whole Beijing
    /// months come from the customer months (three rows a customer for a quarter); the days before the first whole
    /// month and after the last from the customer daily usage and RevenueDaily, whose days are Beijing days.
    /// </summary>
    private static async Task<Dictionary<int, CustomerTotals>> CustomerTotalsAsync(TokenConsoleDbContext db, ReportPeriod period, CancellationToken cancellationToken)
    {
        var (monthsFrom, monthsTo) = WholeMonths(period);
        var sums = new Dictionary<int, (long Tokens, long Revenue, long Cost)>();
        void Add(int customer, long tokens, long revenue, long cost)
        {
            var s = sums.GetValueOrDefault(customer);
            sums[customer] = (s.Tokens + tokens, s.Revenue + revenue, s.Cost + cost);
        }

        if (monthsFrom < monthsTo)
        {
            var months = await db.CustomerMonthly.Where(m => m.Month >= monthsFrom && m.Month < monthsTo)
                .GroupBy(m => m.CustomerId)
                .Select(g => new { CustomerId = g.Key, Tokens = g.Sum(m => m.Tokens), Revenue = g.Sum(m => m.RevenueMicros + m.FeeMicros + m.TopUpMicros - m.CreditMicros), Cost = g.Sum(m => m.ComputeCostMicros) })
                .ToListAsync(cancellationToken);
            months.ForEach(m => Add(m.CustomerId, m.Tokens, m.Revenue, m.Cost));
        }
        foreach (var (from, to) in BusinessCalendar.PartMonths(period.StartUtc, period.EndUtc))
        {
            var usage = await db.CustomerDailyUsage.Where(d => d.Day >= from && d.Day < to)
                .GroupBy(d => d.CustomerId)
                .Select(g => new { CustomerId = g.Key, Tokens = g.Sum(d => d.Tokens), Revenue = g.Sum(d => d.RevenueMicros), Cost = g.Sum(d => d.ComputeCostMicros) })
                .ToListAsync(cancellationToken);
            usage.ForEach(u => Add(u.CustomerId, u.Tokens, u.Revenue, u.Cost));
            var fees = await db.RevenueDaily.Where(r => r.Day >= from && r.Day < to)
                .GroupBy(r => r.CustomerId)
                .Select(g => new { CustomerId = g.Key, Revenue = g.Sum(r => r.FeeMicros + r.TopUpMicros - r.CreditMicros) })
                .ToListAsync(cancellationToken);
            fees.ForEach(f => Add(f.CustomerId, 0, f.Revenue, 0));
        }
        // A customer who paid a fee and used nothing is a customer of the period too (and often the most profitable).
        return sums.Where(s => s.Value.Tokens > 0 || s.Value.Revenue != 0)
            .ToDictionary(s => s.Key, s => new CustomerTotals(s.Value.Tokens, Money.FromMicros(s.Value.Revenue), Money.FromMicros(s.Value.Cost)));
    }

    /// <summary>The whole Beijing months inside the period, as UTC instants [from, to); empty (from ≥ to) when there is none.</summary>
    internal static (DateTime From, DateTime To) WholeMonths(ReportPeriod period) => BusinessCalendar.WholeMonths(period.StartUtc, period.EndUtc);

    /// <summary>
    /// The trend, per Beijing day, from the daily region × industry table: its usage sums and the fees, top-ups and
    /// credits the recognizer and the credit notes add to the same rows (RevenueDaily's, summed per cell). A quarter is
    /// 92 × 465 rows there; the hourly rollups held 2,000 times more at the load generator's density.
    /// </summary>
    private static async Task<List<DailyPoint>> DailyAsync(TokenConsoleDbContext db, ReportPeriod period, CancellationToken cancellationToken)
    {
        var (from, to) = (period.StartUtc, period.EndUtc);
        var byDay = (await db.RegionIndustryDaily.Where(r => r.Day >= from && r.Day < to)
                .GroupBy(r => r.Day)
                .Select(g => new { Day = g.Key, Tokens = g.Sum(r => r.Tokens), Revenue = g.Sum(r => r.RevenueMicros + r.FeeMicros + r.TopUpMicros - r.CreditMicros), Cost = g.Sum(r => r.ComputeCostMicros) })
                .ToListAsync(cancellationToken))
            .Select(d => new DailyPoint(DateOnly.FromDateTime(BusinessCalendar.ToLocal(d.Day)), d.Tokens, Money.FromMicros(d.Revenue), Money.FromMicros(d.Cost)))
            .ToDictionary(d => d.Day);
        // Every day of the period, including days without usage, so the trend shows gaps as zeros.
        return [.. Enumerable.Range(0, period.Days).Select(i => period.From.AddDays(i)).Select(d => byDay.GetValueOrDefault(d) ?? new DailyPoint(d, 0, 0, 0))];
    }

    private static ReportKpis Kpis(List<Place> current, List<Place> before, int subscribed, int subscribedBefore, bool comparable)
    {
        static decimal Margin(List<Place> cells)
        {
            var revenue = cells.Sum(c => c.Revenue);
            return revenue > 0 ? (revenue - cells.Sum(c => c.ComputeCost)) / revenue : 0;
        }
        // ARPU: the period's recognized revenue over the customers with an active subscription in it.
        static decimal PerCustomer(List<Place> cells, int customers) => customers == 0 ? 0 : cells.Sum(c => c.Revenue) / customers;

        return new ReportKpis(
            new ReportKpi(current.Sum(c => c.Tokens), before.Sum(c => c.Tokens), comparable),
            new ReportKpi(current.Sum(c => c.Revenue), before.Sum(c => c.Revenue), comparable),
            new ReportKpi(current.Sum(c => c.ComputeCost), before.Sum(c => c.ComputeCost), comparable),
            new ReportKpi(Margin(current), Margin(before), comparable),
            new ReportKpi(subscribed, subscribedBefore, comparable),
            new ReportKpi(PerCustomer(current, subscribed), PerCustomer(before, subscribedBefore), comparable));
    }

    private static RevenueSplit Split(List<Place> cells) =>
        new(cells.Sum(c => c.Fees), cells.Sum(c => c.Usage), cells.Sum(c => c.TopUps), cells.Sum(c => c.Credits));

    private static List<BreakdownRow> Breakdown<TCell>(List<TCell> current, List<TCell> before, Func<TCell, string> key, Dictionary<string, (string En, string Zh)> names, bool comparable)
        where TCell : ICell
    {
        var previous = before.GroupBy(key).ToDictionary(g => g.Key, g => (Tokens: g.Sum(c => c.Tokens), Revenue: g.Sum(c => c.Revenue)));
        var rows = current.GroupBy(key).Select(g =>
        {
            var (en, zh) = names.GetValueOrDefault(g.Key, (g.Key, g.Key));
            var p = previous.GetValueOrDefault(g.Key);
            return new BreakdownRow(g.Key, en, zh, g.Sum(c => c.Tokens), g.Sum(c => c.Revenue), g.Sum(c => c.ComputeCost), p.Tokens, p.Revenue, comparable);
        }).ToList();
        // What sold before and nothing now is a mover too.
        rows.AddRange(previous.Where(p => rows.All(r => r.Key != p.Key)).Select(p =>
        {
            var (en, zh) = names.GetValueOrDefault(p.Key, (p.Key, p.Key));
            return new BreakdownRow(p.Key, en, zh, 0, 0, 0, p.Value.Tokens, p.Value.Revenue, comparable);
        }));
        return [.. rows.OrderByDescending(r => r.Revenue).ThenBy(r => r.Key, StringComparer.Ordinal)];
    }

    /// <summary>Packages' codes by id, and their names by code: the name of the active version, or of the latest version while there is none.</summary>
    private static async Task<(Dictionary<int, string> Codes, Dictionary<string, (string, string)> Names)> PackageNamesAsync(TokenConsoleDbContext db, CancellationToken cancellationToken)
    {
        var packages = await db.Packages.AsNoTracking().Select(p => new { p.Id, p.Code, p.ActiveVersionId }).ToListAsync(cancellationToken);
        var versions = await db.PackageVersions.AsNoTracking().Select(v => new { v.Id, v.PackageId, v.Number, v.NameEn, v.NameZh }).ToListAsync(cancellationToken);
        var names = packages.ToDictionary(p => p.Code, p =>
        {
            var version = versions.FirstOrDefault(v => v.Id == p.ActiveVersionId) ?? versions.Where(v => v.PackageId == p.Id).MaxBy(v => v.Number);
            return version is null ? (p.Code, p.Code) : (version.NameEn, version.NameZh);
        });
        names[CreditNotesKey] = ("Credit notes", "贷项通知单");
        return (packages.ToDictionary(p => p.Id, p => p.Code), names);
    }
}
