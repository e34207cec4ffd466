using Microsoft.Extensions.Time.Testing;
using TokenConsole.Data;
using TokenConsole.Features.Compute;
using TokenConsole.Features.Overview;
using TokenConsole.Features.Usage;
using TokenConsole.Tests.Infrastructure;

namespace TokenConsole.Tests.Overview;

/// <summary>The overview's KPIs on a small fixture whose answers are computed by hand.</summary>
public sealed class OverviewServiceTests : IDisposable
{
    private readonly TestDatabase _database = new();
    // 15 November 2026, 12:00 in Beijing: the month began on 31 October 16:00 UTC, 14.5 days ago.
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 15, 4, 0, 0, TimeSpan.Zero));

    public void Dispose() => _database.Dispose();

    private static UsageRollup Rollup(DateTime hour, long input, long output, decimal revenue, int poolId = 1) => new()
    {
        Hour = hour, RegionCode = "CN-GD", IndustryCode = "finance", ModelId = 1, PackageId = 1, PoolId = poolId,
        InputTokens = input, OutputTokens = output, Calls = 1, RevenueMicros = Money.ToMicros(revenue), ComputeCostMicros = Money.ToMicros(revenue / 2),
    };

    [Fact]
    public async Task Month_to_date_is_compared_with_the_same_days_of_last_month()
    {
        await using (var db = _database.CreateDbContext())
        {
            db.Regions.Add(new Region { Code = "CN-GD", NameEn = "Guangdong", NameZh = "广东" });
            db.Pools.Add(new ComputePool { Id = 1, Code = "p1", Name = "p1", NameZh = "p1", RegionCode = "CN-GD", AcceleratorKind = "x", CapacityTokensPerSecond = 100, Status = PoolStatus.Online });
            UsageRollup[] hourly =
            [
                Rollup(new DateTime(2026, 11, 2, 8, 0, 0, DateTimeKind.Utc), 1_000, 500, 30),       // this month
                Rollup(new DateTime(2026, 10, 31, 16, 0, 0, DateTimeKind.Utc), 200, 0, 4),          // first hour of the Beijing month
                Rollup(new DateTime(2026, 10, 31, 15, 0, 0, DateTimeKind.Utc), 7_000, 0, 99),       // last hour of October in Beijing
                Rollup(new DateTime(2026, 10, 5, 0, 0, 0, DateTimeKind.Utc), 800, 200, 20),         // within the first 14.5 days of October
                Rollup(new DateTime(2026, 10, 20, 0, 0, 0, DateTimeKind.Utc), 5_000, 0, 50),        // later in October: not comparable
                Rollup(new DateTime(2026, 11, 14, 12, 0, 0, DateTimeKind.Utc), 864_000, 0, 10),     // last 24 hours, on pool 1
                Rollup(new DateTime(2026, 11, 15, 1, 0, 0, DateTimeKind.Utc), 60, 0, 3),            // today (09:00 in Beijing): from the hourly rollups
            ];
            db.UsageRollups.AddRange(hourly);
            db.RegionIndustryDaily.AddRange(WriterCells.DailyCellsOf(hourly));
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        var overview = await new OverviewService(_database, _clock).GetAsync(TestContext.Current.CancellationToken);

        Assert.Equal(1_500 + 200 + 864_000 + 60, overview.TokensThisMonth.Value);
        Assert.Equal(1_000, overview.TokensThisMonth.Previous);
        Assert.Equal(30 + 4 + 10 + 3, overview.RevenueThisMonth.Value);
        Assert.Equal(20, overview.RevenueThisMonth.Previous);
        Assert.Equal(1.35m, overview.RevenueThisMonth.Change!.Value);
        // 864,000 tokens in one hour on a 100 tokens/s pool (360,000 an hour): 240 %.
        Assert.Equal(2.4, overview.PeakUtilisation, 10);
        Assert.Equal(2.4, overview.BusiestPool!.Utilisation, 10);
        Assert.Equal(("p1", "p1"), (overview.BusiestPool!.NameEn, overview.BusiestPool.NameZh));
        // Days are Beijing days: 31 October 16:00 UTC belongs to 1 November.
        Assert.Contains(overview.Daily, d => d.Day == new DateTime(2026, 11, 1) && d.Tokens == 200);
        Assert.Contains(overview.Daily, d => d.Day == new DateTime(2026, 10, 31) && d.Tokens == 7_000);
    }

    [Fact]
    public async Task An_empty_database_gives_zeros_and_no_change()
    {
        var overview = await new OverviewService(_database, _clock).GetAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, overview.TokensThisMonth.Value);
        Assert.Null(overview.TokensThisMonth.Change);
        Assert.Empty(overview.Daily);
        Assert.Equal(0, overview.PeakUtilisation);
    }

    [Fact]
    public async Task Peak_pool_utilisation_is_the_busiest_hour_of_the_busiest_pool_shown_by_name_whatever_its_status_now()
    {
        await using (var db = _database.CreateDbContext())
        {
            db.Regions.Add(new Region { Code = "CN-GD", NameEn = "Guangdong", NameZh = "广东" });
            // A: 100 tokens/s = 360,000 an hour, draining now but busy in the last 24 hours. B: 900 tokens/s = 3,240,000 an hour.
            db.Pools.AddRange(
                new ComputePool { Id = 1, Code = "gd-edge-01", Name = "Guangzhou edge 1", NameZh = "广州边缘一号", RegionCode = "CN-GD", AcceleratorKind = "x", CapacityTokensPerSecond = 100, Status = PoolStatus.Draining },
                new ComputePool { Id = 2, Code = "gd-core", Name = "Shaoguan hub", NameZh = "韶关枢纽", RegionCode = "CN-GD", AcceleratorKind = "x", CapacityTokensPerSecond = 900, Status = PoolStatus.Online });
            db.UsageRollups.AddRange(
                Rollup(new DateTime(2026, 11, 14, 10, 0, 0, DateTimeKind.Utc), 288_000, 0, 1, poolId: 1),   // A at 80 % (all pools together: 8 %)
                Rollup(new DateTime(2026, 11, 14, 11, 0, 0, DateTimeKind.Utc), 324_000, 0, 1, poolId: 2),   // B at 10 % (all pools together: 9 %)
                Rollup(new DateTime(2026, 11, 13, 11, 0, 0, DateTimeKind.Utc), 360_000, 0, 1, poolId: 1));  // A at 100 %, but 41 hours ago: outside the window
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        var overview = await new OverviewService(_database, _clock).GetAsync(TestContext.Current.CancellationToken);

        Assert.Equal(0.8, overview.PeakUtilisation, 10);
        Assert.Equal(("Guangzhou edge 1", "广州边缘一号"), (overview.BusiestPool!.NameEn, overview.BusiestPool.NameZh));
        Assert.Equal(0.8, overview.BusiestPool.Utilisation, 10);
    }
}
