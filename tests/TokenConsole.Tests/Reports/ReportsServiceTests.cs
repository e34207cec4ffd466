using TokenConsole.Features.Reports;

namespace TokenConsole.Tests.Reports;

/// <summary>The executive report's figures on <see cref="ReportFixture"/>, against answers worked out by hand.</summary>
public sealed class ReportsServiceTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly ReportFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public async Task The_KPIs_sum_the_Beijing_days_of_the_period_and_compare_with_the_month_before()
    {
        await _fixture.SeedAsync(Ct);
        var report = await _fixture.Service.GetAsync(ReportFixture.October, Ct);
        var k = report.Kpis;

        // Rollups: 1,500 + 2,000 + 1,000 tokens now; 800 + 400 before.
        Assert.Equal(4_500, k.Tokens.Value);
        Assert.Equal(1_200, k.Tokens.Previous);
        Assert.Equal(2.75m, k.Tokens.Change!.Value);
        Assert.Equal(100m, k.Revenue.Value);
        Assert.Equal(26m, k.Revenue.Previous);
        Assert.Equal(100m / 26.0m - 1m, k.Revenue.Change!.Value);
        Assert.Equal(75m, k.ComputeCost.Value);
        Assert.Equal(13m, k.ComputeCost.Previous);
        // (100 − 75) / 100 = 25 % against (26 − 13) / 26 = 50 %: down 25 points.
        Assert.Equal(0.25m, k.GrossMargin.Value);
        Assert.Equal(0.5m, k.GrossMargin.Previous);
        Assert.Equal(-0.25m, k.GrossMargin.PointChange);
        // Customers with a subscription: 1 and 2 now, 3 and 2 before; ARPU = revenue ÷ them: 100 / 2 now, 26 / 2 before.
        Assert.Equal(2, k.ActiveCustomers.Value);
        Assert.Equal(2, k.ActiveCustomers.Previous);
        Assert.Equal(0m, k.ActiveCustomers.Change!.Value);
        Assert.Equal(50m, k.RevenuePerCustomer.Value);
        Assert.Equal(13m, k.RevenuePerCustomer.Previous);
    }

    [Fact]
    public async Task The_breakdowns_heatmap_trend_and_top_customers_add_up()
    {
        await _fixture.SeedAsync(Ct);
        var report = await _fixture.Service.GetAsync(ReportFixture.October, Ct);

        var gd = Assert.Single(report.Regions, r => r.Key == "CN-GD");
        Assert.Equal((2_500L, 50.0m, 35.0m, 800L, 16.0m), (gd.Tokens, gd.Revenue, gd.ComputeCost, gd.PreviousTokens, gd.PreviousRevenue));
        Assert.Equal(0.3m, gd.GrossMargin!.Value);
        var bj = Assert.Single(report.Regions, r => r.Key == "CN-BJ");
        Assert.Equal((2_000L, 50.0m, 10.0m), (bj.Tokens, bj.Revenue, bj.PreviousRevenue));
        Assert.Equal(4.0m, bj.RevenueChange!.Value);
        // Both grew: Beijing by ¥40, Guangdong by ¥34.
        Assert.Equal(["CN-BJ", "CN-GD"], report.TopMovers.Select(r => r.Key));
        Assert.Empty(report.BottomMovers);

        Assert.Equal([("finance", 30.0m), ("retail", 70.0m)], report.Industries.Select(r => (r.Key, r.Revenue)).OrderBy(x => x.Key));
        // Models and packages by code, not by database id.
        Assert.Equal([("m1", "Model One", 50.0m), ("m2", "Model Two", 50.0m)], report.Models.Select(r => (r.Key, r.NameEn, r.Revenue)).OrderBy(x => x.Key));
        // A package is named after its latest version while none is active.
        Assert.Equal([("p2", "Enterprise", "企业包", 70.0m), ("p1", "Starter", "入门包", 30.0m)], report.Packages.Select(r => (r.Key, r.NameEn, r.NameZh, r.Revenue)));

        // Segments from the customers: Personal 50 (10 before), SME 32 (new), large enterprise 0 (16 before).
        Assert.Equal([("Personal", 50.0m, 10.0m), ("Sme", 32.0m, 0.0m), ("LargeEnterprise", 0.0m, 16.0m)],
            report.Segments.Select(r => (r.Key, r.Revenue, r.PreviousRevenue)));

        Assert.Equal(3, report.Heatmap.Count);
        Assert.Equal(0.2m, report.Heatmap.Single(c => c.RegionCode == "CN-BJ" && c.IndustryCode == "retail").GrossMargin!.Value);
        Assert.Equal(2m / 3.0m, report.Heatmap.Single(c => c.RegionCode == "CN-GD" && c.IndustryCode == "finance").GrossMargin!.Value);
        Assert.Equal(-0.25m, report.Heatmap.Single(c => c.RegionCode == "CN-GD" && c.IndustryCode == "retail").GrossMargin!.Value);

        Assert.Equal(31, report.Daily.Count);
        Assert.Equal((new DateOnly(2026, 10, 1), 3_500L, 80.0m), (report.Daily[0].Day, report.Daily[0].Tokens, report.Daily[0].Revenue));
        Assert.Equal((new DateOnly(2026, 10, 31), 1_000L), (report.Daily[30].Day, report.Daily[30].Tokens));
        Assert.Equal(4_500, report.Daily.Sum(d => d.Tokens));

        Assert.Equal([(2, 50.0m, 10.0m), (1, 32.0m, 0.0m)], report.TopCustomers.Select(c => (c.Id, c.Revenue, c.PreviousRevenue)));
        Assert.Null(report.TopCustomers[1].RevenueChange);
    }

    [Fact]
    public async Task A_period_whose_previous_period_is_before_the_data_shows_no_changes()
    {
        await _fixture.SeedAsync(Ct);
        // The data begins on 31 August: September is compared with August, which it covers only on its last day.
        var report = await _fixture.Service.GetAsync(ReportPeriod.Month(2026, 9), Ct);

        Assert.Equal(new DateOnly(2026, 8, 31), report.DataFrom);
        Assert.False(report.HasPreviousData);
        Assert.Equal(7_777, report.Kpis.Tokens.Previous);
        Assert.Null(report.Kpis.Tokens.Change);
        Assert.Null(report.Kpis.Revenue.Change);
        Assert.All(report.Regions, r => Assert.Null(r.RevenueChange));
        Assert.Empty(report.TopMovers);
        Assert.Empty(report.BottomMovers);
        Assert.True((await _fixture.Service.GetAsync(ReportFixture.October, Ct)).HasPreviousData);
    }

    [Fact]
    public async Task An_empty_period_gives_zeros_without_dividing_by_zero()
    {
        var report = await _fixture.Service.GetAsync(ReportFixture.October, Ct);
        Assert.True(report.IsEmpty);
        Assert.Equal(0, report.Kpis.GrossMargin.Value);
        Assert.Null(report.Kpis.Revenue.Change);
        Assert.Equal(0, report.Kpis.RevenuePerCustomer.Value);
        Assert.Equal(31, report.Daily.Count);
        Assert.Empty(report.Regions);
    }

    [Theory]
    [InlineData("2026-10-01", "2026-10-31", true, "2026-10")]
    [InlineData("2026-10-01", "2026-12-31", true, "2026-Q4")]
    [InlineData("2026-10-03", "2026-10-09", true, "2026-10-03_2026-10-09")]
    [InlineData("2026-10-09", "2026-10-03", false, null)]
    [InlineData("2026-13-01", "2026-10-03", false, null)]
    [InlineData("yesterday", "2026-10-03", false, null)]
    [InlineData(null, "2026-10-03", false, null)]
    [InlineData("2024-01-01", "2026-01-01", false, null)]
    public void Periods_parse_from_ISO_dates_and_name_their_files(string? from, string? to, bool valid, string? stem)
    {
        Assert.Equal(valid, ReportPeriod.TryParse(from, to, out var period, out var error));
        if (valid)
        {
            Assert.Equal(stem, period.FileStem);
        }
        else
        {
            Assert.NotEmpty(error);
        }
    }

    [Theory]
    // The customers of whole months come from the customer months, those of the days around them from the customer days.
    [InlineData("2026-09-20", "2026-10-31", "2:50:10 1:32:500 3:16:0")]
    [InlineData("2026-09-01", "2026-10-15", "2:60:0 1:30:500 3:16:0")]
    [InlineData("2026-10-01", "2026-10-31", "2:50:10 1:32:0")]
    [InlineData("2026-10-02", "2026-10-30", "2:50:0")]
    public async Task A_periods_customers_add_its_whole_months_and_the_days_of_its_part_months(string from, string to, string expected)
    {
        await _fixture.SeedAsync(Ct);
        var period = new ReportPeriod(DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture), DateOnly.Parse(to, System.Globalization.CultureInfo.InvariantCulture));

        var report = await _fixture.Service.GetAsync(period, Ct);

        Assert.Equal(expected, string.Join(' ', report.TopCustomers.Select(c => $"{c.Id}:{c.Revenue:0}:{c.PreviousRevenue:0}")));
    }

    [Theory]
    [InlineData("2026-09-20", "2026-10-31", "2026-10-01", "2026-11-01")]
    [InlineData("2026-09-01", "2026-10-15", "2026-09-01", "2026-10-01")]
    [InlineData("2026-07-01", "2026-09-30", "2026-07-01", "2026-10-01")]
    [InlineData("2026-12-31", "2027-01-31", "2027-01-01", "2027-02-01")]
    public void The_whole_months_of_a_period_start_and_end_at_Beijing_midnights(string from, string to, string monthsFrom, string monthsTo)
    {
        static DateOnly D(string s) => DateOnly.Parse(s, System.Globalization.CultureInfo.InvariantCulture);
        var (start, end) = ReportsService.WholeMonths(new ReportPeriod(D(from), D(to)));
        Assert.Equal((new ReportPeriod(D(monthsFrom), D(monthsFrom)).StartUtc, new ReportPeriod(D(monthsTo), D(monthsTo)).StartUtc), (start, end));
    }

    [Fact]
    public void A_period_inside_one_month_has_no_whole_month()
    {
        var (start, end) = ReportsService.WholeMonths(new ReportPeriod(new DateOnly(2026, 10, 5), new DateOnly(2026, 10, 20)));
        Assert.True(start >= end);
    }

    [Fact]
    public void A_month_is_compared_with_the_month_before_in_Beijing_days()
    {
        var october = ReportPeriod.Month(2026, 10);
        Assert.Equal(new ReportPeriod(new DateOnly(2026, 9, 1), new DateOnly(2026, 9, 30)), october.Previous);
        Assert.Equal(new DateTime(2026, 9, 30, 16, 0, 0, DateTimeKind.Utc), october.StartUtc);
        Assert.Equal(new DateTime(2026, 10, 31, 16, 0, 0, DateTimeKind.Utc), october.EndUtc);
        // 15 November in Beijing: last month is October.
        Assert.Equal(october, ReportPeriod.LastMonth(new DateTimeOffset(2026, 11, 15, 4, 0, 0, TimeSpan.Zero)));
        // 1 November 01:00 in Beijing is still 31 October in UTC, but last month is October.
        Assert.Equal(october, ReportPeriod.LastMonth(new DateTimeOffset(2026, 10, 31, 17, 0, 0, TimeSpan.Zero)));
    }
}
