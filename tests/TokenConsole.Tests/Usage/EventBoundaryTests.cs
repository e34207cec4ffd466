using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;
using TokenConsole.Features.Usage.Ingestion;

namespace TokenConsole.Tests.Usage;

/// <summary>
/// Exactly once at the edges of where raw events are kept, on the provider the pass runs on: SQLite's day tables
/// (<see cref="EventBucketTests"/> checks their layout) or PostgreSQL's day partitions (<see cref="PostgresUsageEventTables"/>).
/// Events either side of midnight UTC land in different days' tables or partitions, either side of an hour in different
/// keys; each retry — alone, or with the others in one batch — finds its first copy and draws nothing again.
/// </summary>
public sealed class EventBoundaryTests
{
    private static readonly DateTimeOffset Midnight = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Events_either_side_of_a_day_boundary_and_an_hour_are_stored_once_and_their_retries_are_duplicates()
    {
        await using var bed = await BucketTestBed.CreateAsync();
        var s = await bed.SubscribeAsync(await bed.PackageAsync("EDGE", 1_000_000));
        var writer = await bed.StartWriterAsync();
        var lastTick = bed.Event(s, "last-tick", Midnight.AddTicks(-1), 100);
        var firstTick = bed.Event(s, "first-tick", Midnight, 200);
        var beforeHour = bed.Event(s, "before-hour", Midnight.AddHours(3).AddTicks(-1), 300);
        var onHour = bed.Event(s, "on-hour", Midnight.AddHours(3), 400);

        Assert.Equal(new(4, 0), await BucketTestBed.WriteAsync(writer, lastTick, firstTick, beforeHour, onHour));
        Assert.Equal(new(0, 1), await BucketTestBed.WriteAsync(writer, lastTick));
        Assert.Equal(new(0, 4), await BucketTestBed.WriteAsync(writer, onHour, beforeHour, firstTick, lastTick));
        // A new event and a retry of itself in one batch: one stored, one duplicate.
        var twice = bed.Event(s, "twice", Midnight.AddMinutes(30), 0);
        Assert.Equal(new(1, 1), await BucketTestBed.WriteAsync(writer, twice, twice));

        await using var db = bed.Database.CreateDbContext();
        var stored = await db.UsageEvents.AsNoTracking().OrderBy(e => e.Timestamp).Select(e => new { e.EventId, e.InputTokens }).ToListAsync(Ct);
        Assert.Equal(["last-tick", "first-tick", "twice", "before-hour", "on-hour"], stored.Select(e => e.EventId));
        Assert.Equal(1_000, stored.Sum(e => e.InputTokens));
        Assert.Equal(1_000m, (await bed.DailyAsync(s)).Sum(d => d.BucketTokens));
        if (bed.Database.Provider == DatabaseProvider.PostgreSQL)
        {
            // Two partitions, the day before midnight and the day from it, each holding its own events.
            var connection = db.Database.GetDbConnection();
            await connection.OpenAsync(Ct);
            var before = UsageEventTables.DayOf(Midnight.AddTicks(-1).UtcTicks);
            Assert.Equal([before, before + 1], PostgresUsageEventTables.Days(connection, null));
            await using var count = connection.CreateCommand();
            count.CommandText = $"""SELECT COUNT(*) FROM "{UsageEventTables.TableOf(before)}" """;
            Assert.Equal(1L, Convert.ToInt64(await count.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
