using Bunit;
using Microsoft.Extensions.Time.Testing;
using TokenConsole.Auth;
using TokenConsole.Data;
using TokenConsole.Features.Compute;
using TokenConsole.Features.Overview;
using TokenConsole.Features.Usage;

namespace TokenConsole.Tests.Components;

/// <summary>The overview page over a real database: numbers from the data, formatted for the culture.</summary>
public sealed class OverviewPageTests : ComponentTestContext
{
    private readonly TestDatabase _database = new();

    public OverviewPageTests()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 15, 4, 0, 0, TimeSpan.Zero));
        Services.AddModules(_database, clock, b => b.AddOverview());
        SignInAs(Roles.Executive);
        using var db = _database.CreateDbContext();
        db.Regions.Add(new Region { Code = "CN-GD", NameEn = "Guangdong", NameZh = "广东" });
        db.Pools.Add(new ComputePool { Id = 1, Code = "gd-1", Name = "GD", NameZh = "广东", RegionCode = "CN-GD", AcceleratorKind = "x", CapacityTokensPerSecond = 200_000, Status = PoolStatus.Online });
        var hour = new UsageRollup
        {
            Hour = new DateTime(2026, 11, 14, 10, 0, 0, DateTimeKind.Utc), RegionCode = "CN-GD", IndustryCode = "finance", ModelId = 1, PackageId = 1, PoolId = 1,
            InputTokens = 300_000_000, OutputTokens = 23_456_789, Calls = 100_000, RevenueMicros = 1_234_567_890_000, ComputeCostMicros = 500_000_000_000,
        };
        db.UsageRollups.Add(hour);
        db.RegionIndustryDaily.AddRange(Infrastructure.WriterCells.DailyCellsOf([hour]));
        db.SaveChanges();
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        _database.Dispose();
    }

    [Fact]
    public void In_Chinese_the_month_is_counted_in_yi_and_wan()
    {
        UseCulture("zh-CN");
        var page = Render<TokenConsole.Features.Overview.OverviewPage>();
        page.WaitForAssertion(() => Assert.Equal("3.23亿", page.Find("[data-testid='kpi-tokens-value']").TextContent));
        Assert.Equal("¥123万", page.Find("[data-testid='kpi-revenue-value']").TextContent);
        Assert.Contains("本月 Token 用量", page.Markup, StringComparison.Ordinal);
        Assert.Contains("收入 = 按所覆盖天数分摊的费用 + 用量费 − 贷项通知单。", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void In_English_the_month_is_counted_in_millions()
    {
        UseCulture("en");
        var page = Render<TokenConsole.Features.Overview.OverviewPage>();
        page.WaitForAssertion(() => Assert.Equal("323M", page.Find("[data-testid='kpi-tokens-value']").TextContent));
        Assert.Equal("¥1.23M", page.Find("[data-testid='kpi-revenue-value']").TextContent);
        Assert.Contains("Revenue = fees spread over the days they cover + usage charges − credit notes.", page.Find("[data-testid='revenue-definition']").TextContent, StringComparison.Ordinal);
        // 323,456,789 tokens in one hour on a 200,000 tokens/s pool (720,000,000 an hour): 44.9 % of what it can serve.
        Assert.Equal("44.9%", page.Find("[data-testid='kpi-utilisation-value']").TextContent);
    }
}
