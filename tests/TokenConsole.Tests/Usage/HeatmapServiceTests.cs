using Microsoft.Extensions.Time.Testing;
using TokenConsole.Data;
using TokenConsole.Features.Usage;

namespace TokenConsole.Tests.Usage;

/// <summary>The heatmap reads whole days from the daily table and the part-day before them from the hourly rollups.</summary>
public sealed class HeatmapServiceTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    // 12:00 in Beijing: the 90 days up to now are 89½ days, so the 89½ days before them start at noon too.
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 4, 0, 0, TimeSpan.Zero);
    private readonly TestDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task The_previous_period_counts_only_the_hours_of_its_first_day_that_belong_to_it()
    {
        var service = new HeatmapService(_database, new FakeTimeProvider(Now));
        var (from, to) = service.Bounds(new HeatmapQuery(Period: HeatmapPeriod.Days90));
        var previousFrom = from - (to - from);
        Assert.NotEqual(BusinessCalendar.DayStartUtc(previousFrom), previousFrom);

        await using (var db = _database.CreateDbContext())
        {
            // The previous period's first (part-)day: one hour before it starts, one after.
            Add(db, previousFrom.AddHours(-2), 1_000);
            Add(db, previousFrom.AddHours(3), 200);
            // A whole day inside the previous period, and one in the current period.
            Add(db, from.AddDays(-10).AddHours(5), 30);
            Add(db, from.AddDays(1).AddHours(2), 4);
            Add(db, to.AddHours(-1), 5);
            await db.SaveChangesAsync(Ct);
        }

        var heatmap = await service.GetAsync(new HeatmapQuery(Period: HeatmapPeriod.Days90), Ct);
        // The same through the hourly rollups only (a model filter), as the heatmap read before the daily split.
        var hourly = await service.GetAsync(new HeatmapQuery(Period: HeatmapPeriod.Days90, ModelId: 1), Ct);

        Assert.Equal(9, heatmap.Total.Tokens);
        Assert.Equal(230, heatmap.PreviousTotal.Tokens);
        Assert.Equal(2, heatmap.PreviousTotal.Calls);
        Assert.Equal(2.3m, heatmap.PreviousTotal.Revenue);
        Assert.Equal((hourly.Total.Tokens, hourly.Total.Calls), (heatmap.Total.Tokens, heatmap.Total.Calls));
        Assert.Equal((hourly.PreviousTotal.Tokens, hourly.PreviousTotal.Calls), (heatmap.PreviousTotal.Tokens, heatmap.PreviousTotal.Calls));
        Assert.Equal(230, heatmap.PreviousCells[("CN-GD", "finance")].Tokens);
    }

    /// <summary>One hour of usage in the hourly rollup and in its Beijing day's cell, as the writer records it.</summary>
    private static void Add(TokenConsoleDbContext db, DateTime hour, long tokens)
    {
        hour = new DateTime(hour.Ticks - hour.Ticks % TimeSpan.TicksPerHour, DateTimeKind.Utc);
        // ¥0.01 a token.
        Infrastructure.WriterCells.AddHour(db, new UsageRollup
        {
            Hour = hour, RegionCode = "CN-GD", IndustryCode = "finance", ModelId = 1, PackageId = 1, PoolId = 1,
            InputTokens = tokens, OutputTokens = 0, Calls = 1, RevenueMicros = tokens * 10_000, ComputeCostMicros = tokens * 5_000,
        });
    }
}
