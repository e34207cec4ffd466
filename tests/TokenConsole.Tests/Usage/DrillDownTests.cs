using Microsoft.Extensions.Time.Testing;
using TokenConsole.Data;
using TokenConsole.Features.Usage;

namespace TokenConsole.Tests.Usage;

/// <summary>
/// A cell's drill-down adds up: its series, its model split and its pool split each hold exactly the tokens of the
/// cell's hourly rollups in the period (the package summed away), and nothing of another cell or another period.
/// </summary>
public sealed class DrillDownTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 6, 0, 0, TimeSpan.Zero);
    private readonly TestDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task The_series_the_models_and_the_pools_each_sum_to_the_cells_rollups_of_the_period()
    {
        var ct = TestContext.Current.CancellationToken;
        var random = new Random(11);
        var rows = new List<UsageRollup>();
        var start = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
        for (var hour = start.AddDays(-3); hour < Now.UtcDateTime; hour = hour.AddHours(random.Next(1, 7)))
        {
            foreach (var (region, industry) in new[] { ("CN-GD", "finance"), ("CN-GD", "retail"), ("CN-BJ", "finance") })
            {
                for (var model = 1; model <= 3; model++)
                {
                    for (var pool = 1; pool <= 2; pool++)
                    {
                        for (var package = 1; package <= 2; package++)
                        {
                            if (random.Next(3) == 0)
                            {
                                rows.Add(new UsageRollup
                                {
                                    Hour = hour, RegionCode = region, IndustryCode = industry, ModelId = model, PoolId = pool, PackageId = package,
                                    InputTokens = random.Next(1, 100_000), OutputTokens = random.Next(1, 20_000), Calls = 1, RevenueMicros = random.Next(1, 5_000_000),
                                });
                            }
                        }
                    }
                }
            }
        }
        await using (var db = _database.CreateDbContext())
        {
            db.UsageRollups.AddRange(rows);
            await db.SaveChangesAsync(ct);
        }
        var clock = new FakeTimeProvider(Now);
        var heatmaps = new HeatmapService(_database, clock);
        var query = new HeatmapQuery(HeatmapMetric.Tokens, HeatmapPeriod.Custom, new DateOnly(2026, 11, 2), new DateOnly(2026, 11, 15));
        var (from, to) = heatmaps.Bounds(query);

        var detail = await new DrillDownService(_database, heatmaps).GetAsync("CN-GD", "finance", query, ct);

        var cell = rows.Where(r => r.RegionCode == "CN-GD" && r.IndustryCode == "finance" && r.Hour >= from && r.Hour < to).ToList();
        var tokens = cell.Sum(r => r.InputTokens + r.OutputTokens);
        Assert.True(tokens > 0);
        Assert.Equal(tokens, detail.Series.Sum(p => p.Tokens));
        Assert.Equal(Money.FromMicros(cell.Sum(r => r.RevenueMicros)), detail.Series.Sum(p => p.Revenue));
        // Models and pools are not seeded here, so each reads "?": their token sums, largest first, are what is compared.
        Assert.Equal(cell.GroupBy(r => r.ModelId).Select(g => g.Sum(r => r.InputTokens + r.OutputTokens)).OrderDescending(), detail.Models.Select(m => m.Tokens));
        Assert.Equal(cell.GroupBy(r => r.PoolId).Select(g => g.Sum(r => r.InputTokens + r.OutputTokens)).OrderDescending(), detail.Pools.Select(p => p.Tokens));
        // Each day of the period has its point, and each day's tokens are that Beijing day's rows.
        var day = BusinessCalendar.DayStartUtc(new DateTime(2026, 11, 9, 0, 0, 0, DateTimeKind.Utc));
        Assert.Equal(cell.Where(r => BusinessCalendar.DayStartUtc(r.Hour) == day).Sum(r => r.InputTokens + r.OutputTokens), detail.Series.Single(p => p.Time == day).Tokens);
    }
}
