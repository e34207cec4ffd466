using TokenConsole.Data;
using TokenConsole.Features.Billing;
using TokenConsole.Features.Customers;
using TokenConsole.Features.Overview;
using TokenConsole.Features.Reports;
using TokenConsole.Features.Usage;
using static TokenConsole.Tests.Billing.FeeTestData;

namespace TokenConsole.Tests.Billing;

/// <summary>
/// November 2026 on a small hand-worked set, the recognizer's rows and usage rows as the writer keeps them: the heatmap,
/// the overview and the report must show the same recognized revenue (fees + top-ups + usage charges − credits).
/// It is 30 Nov 20:00 Beijing: fees are recognized through the 29th.
/// </summary>
public sealed class RevenueEverywhereTests : IDisposable
{
    private readonly FeeTestData _data = new(At(2026, 11, 30, 20));

    public void Dispose() => _data.Dispose();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    // C1 (CN-GD × finance): M, ¥300 a month from 1 Nov: ¥10 a day × 29 days = ¥290.
    // C2 (CN-BJ × retail): L, ¥620 a month from 15 Oct: 15 Oct – 14 Nov (31 days) 2,000 fen a day × 14 = ¥280, then
    //   15 Nov – 14 Dec (30 days) ⌊15 × 62,000 / 30⌋ = 31,000 fen for 15–29 Nov = ¥310; a ¥10 top-up sold 20 Nov, 7 days = ¥10.
    // Usage charges: ¥12.345678 (C1, 3 Nov), ¥7 (C2, 29 Nov), ¥1 (C1, today 10:00). A ¥50 credit note to C1 on 25 Nov.
    private const decimal Fees = 290m + 280m + 310m;
    private const decimal TopUps = 10m;
    private const decimal Usage = 12.345678m + 7m + 1m;
    private const decimal Credits = 50m;
    private const decimal Revenue = Fees + TopUps + Usage - Credits; // ¥860.345678

    private async Task SeedAsync()
    {
        await _data.SeedCustomersAsync(Token);
        var m = await _data.AddPackageAsync(1, "M", 300m, includedTokens: 1_000_000, cancellationToken: Token);
        var l = await _data.AddPackageAsync(2, "L", 620m, includedTokens: 2_000_000, segment: CustomerSegment.Personal, cancellationToken: Token);
        var pack = await _data.AddPackageAsync(9, "TOPUP", 10m, Features.Catalog.BillingPeriod.OneOff, 7, Features.Catalog.PackageKind.TopUp, cancellationToken: Token);
        await _data.AddSubscriptionAsync(1, 1, [(m, At(2026, 11, 1, 9), null, Day(2026, 11, 1))], cancellationToken: Token);
        var c2 = await _data.AddSubscriptionAsync(2, 2, [(l, At(2026, 10, 15, 14), null, Day(2026, 10, 15))], cancellationToken: Token);
        await _data.AddTopUpAsync(c2, 2, 9, pack, At(2026, 11, 20, 11), 7, 1_000, Token);

        await using (var db = _data.Database.CreateDbContext())
        {
            Use(db, At(2026, 11, 3, 10), "CN-GD", "finance", 1, 1, 12.345678m);
            Use(db, At(2026, 11, 29, 22), "CN-BJ", "retail", 2, 2, 7m);
            Use(db, At(2026, 11, 30, 10), "CN-GD", "finance", 1, 1, 1m);
            // The period 15 Oct – 14 Nov of C2 had usage: 1.7M of its 2.2M allowance and rollover used.
            db.AllowanceBuckets.AddRange(
                new AllowanceBucket { SubscriptionId = c2, CustomerId = 2, Kind = BucketKind.Allowance, PeriodStart = At(2026, 10, 15), ValidFrom = At(2026, 10, 15, 14), ValidTo = At(2026, 11, 15), Included = 2_000_000, Used = 1_500_000 },
                new AllowanceBucket { SubscriptionId = c2, CustomerId = 2, Kind = BucketKind.Rollover, PeriodStart = At(2026, 10, 15), ValidFrom = At(2026, 10, 15, 14), ValidTo = At(2026, 11, 15), Included = 200_000, Used = 200_000 });
            await db.SaveChangesAsync(Token);
            var c1 = db.Customers.Single(c => c.Id == 1);
            await RevenueLedger.AddAsync(db, Day(2026, 11, 25), c1, 0, 0, 0, Money.ToMicros(Credits), Token);
            await db.SaveChangesAsync(Token);
        }
        await _data.Recognizer().RecognizeThroughAsync(Day(2026, 11, 29), Token);
    }

    /// <summary>One hour's usage in the rollups the usage writer keeps, as it writes them.</summary>
    private static void Use(TokenConsoleDbContext db, DateTimeOffset at, string region, string industry, int customer, int package, decimal charge)
    {
        var micros = Money.ToMicros(charge);
        var day = BusinessCalendar.DayStartUtc(at.UtcDateTime);
        Infrastructure.WriterCells.AddHour(db, new UsageRollup { Hour = at.UtcDateTime, RegionCode = region, IndustryCode = industry, ModelId = 1, PackageId = package, PoolId = 1, InputTokens = 1_000, OutputTokens = 0, Calls = 1, RevenueMicros = micros, ComputeCostMicros = 1_000_000 });
        var customerDay = db.CustomerDailyUsage.Add(new CustomerDailyUsage { Day = day, CustomerId = customer, ModelId = 1, Tokens = 1_000, Calls = 1, RevenueMicros = micros, ComputeCostMicros = 1_000_000 }).Entity;
        Infrastructure.WriterCells.AddToCustomerMonth(db, customerDay);
    }

    [Fact]
    public async Task The_heatmap_the_overview_and_the_report_show_the_same_revenue_for_November()
    {
        await SeedAsync();

        var report = await new ReportsService(_data.Database, _data.Clock).GetAsync(ReportPeriod.Month(2026, 11), Token);
        var heatmap = await new HeatmapService(_data.Database, _data.Clock).GetAsync(
            new HeatmapQuery(HeatmapMetric.Revenue, HeatmapPeriod.Custom, new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30)), Token);
        var overview = await new OverviewService(_data.Database, _data.Clock).GetAsync(Token);

        Assert.Equal(Revenue, report.Kpis.Revenue.Value);
        Assert.Equal(Revenue, heatmap.Total.Revenue);
        Assert.Equal(Revenue, overview.RevenueThisMonth.Value);
        Assert.Equal(Revenue, report.Daily.Sum(d => d.Revenue));
        Assert.Equal(Revenue, report.Regions.Sum(r => r.Revenue));
        Assert.Equal(Revenue, report.Packages.Sum(r => r.Revenue));
        // Margin = revenue − compute cost (¥1 per usage hour).
        Assert.Equal(Revenue - 3m, report.Heatmap.Sum(c => c.Revenue - c.ComputeCost));
        Assert.Equal(Revenue - 3m, heatmap.Total.GrossMargin);
        // The cell of C1: its fees, its usage, less its credit.
        Assert.Equal(290m + 13.345678m - 50m, heatmap.Cells[("CN-GD", "finance")].Revenue);
    }

    [Fact]
    public async Task The_report_splits_revenue_into_fees_usage_top_ups_and_credits_with_breakage_and_ARPU()
    {
        await SeedAsync();

        var report = await new ReportsService(_data.Database, _data.Clock).GetAsync(ReportPeriod.Month(2026, 11), Token);

        Assert.Equal(new RevenueSplit(Fees, Usage, TopUps, Credits), report.Split);
        Assert.Equal(report.Kpis.Revenue.Value, report.Split.Total);
        // Two customers held a subscription in November: ARPU = revenue ÷ 2.
        Assert.Equal(2, report.Kpis.ActiveCustomers.Value);
        Assert.Equal(Revenue / 2, report.Kpis.RevenuePerCustomer.Value);
        // Periods ending in November: C2's 15 Oct – 14 Nov (2.2M, 1.7M used) and C1's 1–30 Nov with no usage (1M, none used).
        Assert.Equal(3_200_000m, report.Breakage.IncludedTokens);
        Assert.Equal(1_500_000m, report.Breakage.UnusedTokens);
        Assert.Equal(0.46875m, report.Breakage.Share);
        // Top customers by revenue including fees: C2 (¥280 + ¥310 + ¥10 + ¥7) before C1.
        Assert.Equal([("C2", 607m), ("C1", 253.345678m)], report.TopCustomers.Select(c => (c.Code, c.Revenue)));
        // The credit note has its own row among the packages; models carry usage charges only.
        Assert.Equal(-50m, report.Packages.Single(p => p.Key == "credit-notes").Revenue);
        Assert.Equal(Usage, report.Models.Sum(m => m.Revenue));
    }

    [Fact]
    public async Task A_package_filter_adds_that_package_s_fees_and_a_model_filter_shows_usage_charges_only()
    {
        await SeedAsync();
        var heatmaps = new HeatmapService(_data.Database, _data.Clock);

        var byPackage = await heatmaps.GetAsync(new HeatmapQuery(HeatmapMetric.Revenue, HeatmapPeriod.Custom, new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30), PackageId: 2), Token);
        var bySegment = await heatmaps.GetAsync(new HeatmapQuery(HeatmapMetric.Revenue, HeatmapPeriod.Custom, new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30), Segment: CustomerSegment.Personal), Token);
        var byModel = await heatmaps.GetAsync(new HeatmapQuery(HeatmapMetric.Revenue, HeatmapPeriod.Custom, new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30), ModelId: 1), Token);

        Assert.Equal(280m + 310m + 7m, byPackage.Total.Revenue);
        Assert.Equal(280m + 310m + 7m, bySegment.Total.Revenue);
        Assert.Equal(Usage, byModel.Total.Revenue);
    }

    [Fact]
    public async Task The_drill_down_of_a_cell_shows_its_fees_in_the_daily_series_and_its_customers()
    {
        await SeedAsync();
        var heatmaps = new HeatmapService(_data.Database, _data.Clock);
        var query = new HeatmapQuery(HeatmapMetric.Revenue, HeatmapPeriod.Custom, new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30));

        var detail = await new DrillDownService(_data.Database, heatmaps).GetAsync("CN-GD", "finance", query, Token);

        Assert.Equal(290m + 13.345678m - 50m, detail.Series.Sum(p => p.Revenue));
        Assert.Equal(290m + 13.345678m - 50m, Assert.Single(detail.TopCustomers).Revenue);
    }
}
