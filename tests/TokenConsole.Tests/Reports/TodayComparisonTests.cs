using Microsoft.Extensions.Time.Testing;
using TokenConsole.Data;
using TokenConsole.Features.Usage;

namespace TokenConsole.Tests.Reports;

/// <summary>What the consumption page's totals compare with: today with the same hours of yesterday, and nothing when the data does not reach back.</summary>
public sealed class TodayComparisonTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    // 12:00 in Beijing on 28 November: today so far is 00:00–12:00, and so is the part of yesterday it is compared with.
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 4, 0, 0, TimeSpan.Zero);
    private readonly TestDatabase _database = new();

    public void Dispose() => _database.Dispose();

    private static DateTime Beijing(int day, int hour) => BusinessCalendar.ToUtc(new DateTime(2026, 11, day, hour, 0, 0));

    [Fact]
    public async Task Today_is_compared_with_the_same_hours_of_yesterday_not_the_hours_before_midnight()
    {
        await using (var db = _database.CreateDbContext())
        {
            Add(db, Beijing(28, 10), 50);    // today 10:00
            Add(db, Beijing(27, 9), 100);    // yesterday 09:00: the same hours
            Add(db, Beijing(27, 20), 7);     // yesterday 20:00: later than now was, yesterday
            Add(db, Beijing(27, 12), 3);     // yesterday 12:00: the hour now is in, yesterday (hours are whole)
            Add(db, Beijing(26, 23), 1_000); // the day before yesterday
            await db.SaveChangesAsync(Ct);
        }

        var heatmap = await new HeatmapService(_database, new FakeTimeProvider(Now)).GetAsync(new HeatmapQuery(Period: HeatmapPeriod.Today), Ct);

        Assert.Equal(50, heatmap.Total.Tokens);
        Assert.Equal(100, heatmap.PreviousTotal.Tokens);
        Assert.True(heatmap.HasPreviousData);
    }

    [Fact]
    public async Task A_previous_period_before_the_data_begins_has_no_data_to_compare_with()
    {
        await using (var db = _database.CreateDbContext())
        {
            // The data begins five days ago; the 90 days before the last 90 have none of it, the 7 before the last 7 do.
            Add(db, Beijing(23, 10), 40);
            Add(db, Beijing(27, 10), 60);
            await db.SaveChangesAsync(Ct);
        }
        var service = new HeatmapService(_database, new FakeTimeProvider(Now));

        var days90 = await service.GetAsync(new HeatmapQuery(Period: HeatmapPeriod.Days90), Ct);
        var today = await service.GetAsync(new HeatmapQuery(Period: HeatmapPeriod.Today), Ct);

        Assert.False(days90.HasPreviousData);
        Assert.True(today.HasPreviousData);
    }

    private static void Add(TokenConsoleDbContext db, DateTime hour, long tokens)
    {
        Infrastructure.WriterCells.AddHour(db, new UsageRollup
        {
            Hour = hour, RegionCode = "CN-GD", IndustryCode = "finance", ModelId = 1, PackageId = 1, PoolId = 1,
            InputTokens = tokens, OutputTokens = 0, Calls = 1, RevenueMicros = tokens * 10_000, ComputeCostMicros = tokens * 5_000,
        });
    }
}
