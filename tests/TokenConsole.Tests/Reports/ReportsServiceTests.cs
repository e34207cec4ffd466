using TokenConsole.Features.Reports;

namespace TokenConsole.Tests.Reports;

/// <summary>The executive report's figures on <see cref="ReportFixture"/>, against answers worked out by hand.</summary>
public sealed class ReportsServiceTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly ReportFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public async Task The_KPIs_sum_the_Beijing_days_of_the_period_and_compare_with_the_days_before()
    {
        await _fixture.SeedAsync(Ct);
        var report = await _fixture.Service.GetAsync(ReportFixture.October, Ct);
        var k = report.Kpis;

        // Rollups: 1,500 + 2,000 + 1,000 tokens now; 800 + 400 before.
        Assert.Equal(4_500, k.Tokens.Value);
        Assert.Equal(1_200, k.Tokens.Previous);
        Assert.Equal(2.75, k.Tokens.Change!.Value, 10);
        Assert.Equal(100, k.Revenue.Value, 10);
        Assert.Equal(26, k.Revenue.Previous, 10);
        Assert.Equal(100 / 26.0 - 1, k.Revenue.Change!.Value, 10);
        Assert.Equal(75, k.ComputeCost.Value, 10);
        Assert.Equal(13, k.ComputeCost.Previous, 10);
        // (100 − 75) / 100 = 25 % against (26 − 13) / 26 = 50 %: down 25 points.
        Assert.Equal(0.25, k.GrossMargin.Value, 10);
        Assert.Equal(0.5, k.GrossMargin.Previous, 10);
        Assert.Equal(-0.25, k.GrossMargin.PointChange, 10);
        // Customer daily usage: customers 1 and 2 now (30 + 2 + 50 = 82), 3 and 2 before (16 + 10 = 26).
        Assert.Equal(2, k.ActiveCustomers.Value);
        Assert.Equal(2, k.ActiveCustomers.Previous);
        Assert.Equal(0, k.ActiveCustomers.Change!.Value, 10);
        Assert.Equal(41, k.RevenuePerCustomer.Value, 10);
        Assert.Equal(13, k.RevenuePerCustomer.Previous, 10);
    }

    [Fact]
    public async Task The_breakdowns_heatmap_trend_and_top_customers_add_up()
    {
        await _fixture.SeedAsync(Ct);
        var report = await _fixture.Service.GetAsync(ReportFixture.October, Ct);

        var gd = Assert.Single(report.Regions, r => r.Key == "CN-GD");
        Assert.Equal((2_500L, 50.0, 35.0, 800L, 16.0), (gd.Tokens, gd.Revenue, gd.ComputeCost, gd.PreviousTokens, gd.PreviousRevenue));
        Assert.Equal(0.3, gd.GrossMargin!.Value, 10);
        var bj = Assert.Single(report.Regions, r => r.Key == "CN-BJ");
        Assert.Equal((2_000L, 50.0, 10.0), (bj.Tokens, bj.Revenue, bj.PreviousRevenue));
        Assert.Equal(4.0, bj.RevenueChange!.Value, 10);
        // Both grew: Beijing by ¥40, Guangdong by ¥34.
        Assert.Equal(["CN-BJ", "CN-GD"], report.TopMovers.Select(r => r.Key));
        Assert.Empty(report.BottomMovers);

        Assert.Equal([("finance", 30.0), ("retail", 70.0)], report.Industries.Select(r => (r.Key, r.Revenue)).OrderBy(x => x.Key));
        Assert.Equal([("1", "Model One", 50.0), ("2", "Model Two", 50.0)], report.Models.Select(r => (r.Key, r.NameEn, r.Revenue)).OrderBy(x => x.Key));
        // A package is named after its latest version while none is active.
        Assert.Equal([("2", "Enterprise", "企业包", 70.0), ("1", "Starter", "入门包", 30.0)], report.Packages.Select(r => (r.Key, r.NameEn, r.NameZh, r.Revenue)));

        // Segments from the customers: Personal 50 (10 before), SME 32 (new), large enterprise 0 (16 before).
        Assert.Equal([("Personal", 50.0, 10.0), ("Sme", 32.0, 0.0), ("LargeEnterprise", 0.0, 16.0)],
            report.Segments.Select(r => (r.Key, r.Revenue, r.PreviousRevenue)));

        Assert.Equal(3, report.Heatmap.Count);
        Assert.Equal(0.2, report.Heatmap.Single(c => c.RegionCode == "CN-BJ" && c.IndustryCode == "retail").GrossMargin!.Value, 10);
        Assert.Equal(2 / 3.0, report.Heatmap.Single(c => c.RegionCode == "CN-GD" && c.IndustryCode == "finance").GrossMargin!.Value, 10);
        Assert.Equal(-0.25, report.Heatmap.Single(c => c.RegionCode == "CN-GD" && c.IndustryCode == "retail").GrossMargin!.Value, 10);

        Assert.Equal(31, report.Daily.Count);
        Assert.Equal((new DateOnly(2026, 10, 1), 3_500L, 80.0), (report.Daily[0].Day, report.Daily[0].Tokens, report.Daily[0].Revenue));
        Assert.Equal((new DateOnly(2026, 10, 31), 1_000L), (report.Daily[30].Day, report.Daily[30].Tokens));
        Assert.Equal(4_500, report.Daily.Sum(d => d.Tokens));

        Assert.Equal([(2, 50.0, 10.0), (1, 32.0, 0.0)], report.TopCustomers.Select(c => (c.Id, c.Revenue, c.PreviousRevenue)));
        Assert.Null(report.TopCustomers[1].RevenueChange);
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

    [Fact]
    public void The_previous_period_has_the_same_number_of_days_and_ends_the_day_before()
    {
        var october = ReportPeriod.Month(2026, 10);
        Assert.Equal(new ReportPeriod(new DateOnly(2026, 8, 31), new DateOnly(2026, 9, 30)), october.Previous);
        Assert.Equal(new DateTime(2026, 9, 30, 16, 0, 0, DateTimeKind.Utc), october.StartUtc);
        Assert.Equal(new DateTime(2026, 10, 31, 16, 0, 0, DateTimeKind.Utc), october.EndUtc);
        // 15 November in Beijing: last month is October.
        Assert.Equal(october, ReportPeriod.LastMonth(new DateTimeOffset(2026, 11, 15, 4, 0, 0, TimeSpan.Zero)));
        // 1 November 01:00 in Beijing is still 31 October in UTC, but last month is October.
        Assert.Equal(october, ReportPeriod.LastMonth(new DateTimeOffset(2026, 10, 31, 17, 0, 0, TimeSpan.Zero)));
    }
}
