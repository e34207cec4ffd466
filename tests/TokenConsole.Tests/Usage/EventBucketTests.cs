using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using TokenConsole.Data;
using TokenConsole.Features.Usage.Ingestion;

namespace TokenConsole.Tests.Usage;

/// <summary>
/// Issue 14: raw events in one table per UTC day, keyed (hour, id) (<see cref="UsageEventTables"/>), through the real
/// writer on a SQLite file. Exactly once at the boundaries of the buckets and of the accepted window, retention by whole
/// days, and a database from before moved into the days' tables.
/// </summary>
// SQLite only: SQLite's day tables and their hashed key (PostgreSQL partitions by day instead: PostgresUsageEventTables).
[Trait("Provider", "Sqlite")]
public sealed class EventBucketTests
{
    private static readonly DateTimeOffset Midnight = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Events_either_side_of_midnight_and_of_an_hour_go_to_their_own_buckets_and_their_retries_are_duplicates()
    {
        await using var bed = await BucketTestBed.CreateAsync();
        var s = await bed.SubscribeAsync(await bed.PackageAsync("EDGE", 1_000_000));
        var writer = await bed.StartWriterAsync();
        var lastTick = bed.Event(s, "last-tick", Midnight.AddTicks(-1), 100);
        var firstTick = bed.Event(s, "first-tick", Midnight, 200);
        var beforeHour = bed.Event(s, "before-hour", Midnight.AddHours(3).AddTicks(-1), 300);
        var onHour = bed.Event(s, "on-hour", Midnight.AddHours(3), 400);

        Assert.Equal(new(4, 0), await BucketTestBed.WriteAsync(writer, lastTick, firstTick, beforeHour, onHour));
        // The retry of each, one per request and all in one: each finds its first copy.
        Assert.Equal(new(0, 1), await BucketTestBed.WriteAsync(writer, lastTick));
        Assert.Equal(new(0, 4), await BucketTestBed.WriteAsync(writer, onHour, beforeHour, firstTick, lastTick));

        await using var connection = Open(bed);
        Assert.Equal([UsageEventTables.DayOf(Midnight.AddTicks(-1).UtcTicks), UsageEventTables.DayOf(Midnight.UtcTicks)], UsageEventTables.Days(connection, null));
        Assert.Equal(1, Scalar(connection, $"SELECT COUNT(*) FROM \"{UsageEventTables.TableOf(UsageEventTables.DayOf(Midnight.AddTicks(-1).UtcTicks))}\""));
        Assert.Equal([(0L, "first-tick"), (2L, "before-hour"), (3L, "on-hour")],
            Rows(connection, $"SELECT Hour, EventId FROM \"{UsageEventTables.TableOf(UsageEventTables.DayOf(Midnight.UtcTicks))}\" ORDER BY Hour, EventId"));
        Assert.Equal(1_000, Scalar(connection, "SELECT SUM(InputTokens) FROM UsageEvents"));
        Assert.Equal(1_000m, (await bed.DailyAsync(s)).Sum(d => d.BucketTokens));
    }

    [Fact]
    public async Task An_id_sent_again_with_a_timestamp_in_another_hour_is_another_event_as_the_contract_says()
    {
        await using var bed = await BucketTestBed.CreateAsync();
        var s = await bed.SubscribeAsync(await bed.PackageAsync("RESTAMP", 1_000_000));
        var writer = await bed.StartWriterAsync();

        Assert.Equal(new(1, 0), await BucketTestBed.WriteAsync(writer, bed.Event(s, "same-id", Midnight.AddMinutes(10), 100)));
        Assert.Equal(new(0, 1), await BucketTestBed.WriteAsync(writer, bed.Event(s, "same-id", Midnight.AddMinutes(50), 100)));
        Assert.Equal(new(1, 0), await BucketTestBed.WriteAsync(writer, bed.Event(s, "same-id", Midnight.AddMinutes(70), 100)));
    }

    [Fact]
    public async Task A_retry_at_the_far_end_of_the_accepted_window_still_finds_its_first_copy_after_retention_ran()
    {
        await using var bed = await BucketTestBed.CreateAsync();
        var s = await bed.SubscribeAsync(await bed.PackageAsync("WINDOW", 1_000_000));
        var options = new IngestionOptions();
        var writer = await bed.StartWriterAsync();
        var oldest = bed.Event(s, "oldest", BucketTestBed.Now.AddDays(-options.AcceptedWindowDays).AddMinutes(options.EventRetentionIntervalMinutes), 100);
        Assert.Equal(new(1, 0), await BucketTestBed.WriteAsync(writer, oldest));

        // The last instant at which the validator still accepts it (its timestamp = now − the window), with retention
        // due: the writer looks for expired days after each batch once the interval has passed.
        bed.Clock.Advance(TimeSpan.FromMinutes(options.EventRetentionIntervalMinutes));
        Assert.Equal(oldest.Timestamp, bed.Clock.GetUtcNow().AddDays(-options.AcceptedWindowDays));
        var expired = UsageEventTables.DayOf(bed.Clock.GetUtcNow().AddDays(-options.EventRetentionDays - 1).UtcTicks);
        using (var setUp = Open(bed))
        {
            UsageEventTables.EnsureDay(setUp, null, expired);
        }
        Assert.Equal(new(1, 0), await BucketTestBed.WriteAsync(writer, bed.Event(s, "today", bed.Clock.GetUtcNow(), 1)));
        // Retention has run (it dropped the expired day), and kept the day of the oldest event still accepted. A round
        // that fails (another connection's lock, say) is retried at the next interval, by design: if the first has not
        // dropped the day within 10 s, the clock moves on one interval and a batch makes the next round due.
        await DroppedAsync(bed, expired, nudge: async () =>
        {
            bed.Clock.Advance(TimeSpan.FromMinutes(options.EventRetentionIntervalMinutes));
            await BucketTestBed.WriteAsync(writer, bed.Event(s, "nudge", bed.Clock.GetUtcNow(), 1));
        });
        Assert.Equal(new(0, 1), await BucketTestBed.WriteAsync(writer, oldest));
        await using var connection = Open(bed);
        Assert.Contains(UsageEventTables.DayOf(oldest.Timestamp.UtcTicks), UsageEventTables.Days(connection, null));
    }

    [Fact]
    public async Task Retention_drops_whole_days_past_it_keeps_the_days_inside_it_and_keeps_every_rollup()
    {
        await using var bed = await BucketTestBed.CreateAsync();
        var s = await bed.SubscribeAsync(await bed.PackageAsync("RETAIN", 1_000_000));
        var options = new IngestionOptions();
        var writer = await bed.StartWriterAsync();
        var expiredDay = BucketTestBed.Now.AddDays(-options.AcceptedWindowDays + 1);
        var keptDay = expiredDay.AddDays(1);
        Assert.Equal(new(3, 0), await BucketTestBed.WriteAsync(writer,
            bed.Event(s, "e1", expiredDay, 10), bed.Event(s, "e2", expiredDay.AddHours(1), 20), bed.Event(s, "k1", keptDay, 40)));

        // Now the first day's last instant is just past the retention, the next day's not yet.
        var firstKept = new DateTimeOffset(UsageEventTables.DayOf(expiredDay.UtcTicks) * TimeSpan.TicksPerDay, TimeSpan.Zero).AddDays(1);
        bed.Clock.SetUtcNow(firstKept.AddDays(options.EventRetentionDays).AddTicks(1));
        Assert.Equal(new(1, 0), await BucketTestBed.WriteAsync(writer, bed.Event(s, "now", bed.Clock.GetUtcNow(), 1)));
        await DroppedAsync(bed, UsageEventTables.DayOf(expiredDay.UtcTicks));

        await using var connection = Open(bed);
        var days = UsageEventTables.Days(connection, null);
        Assert.DoesNotContain(UsageEventTables.DayOf(expiredDay.UtcTicks), days);
        Assert.Contains(UsageEventTables.DayOf(keptDay.UtcTicks), days);
        Assert.Equal(["k1", "now"], Rows(connection, "SELECT 0, EventId FROM UsageEvents ORDER BY EventId").Select(r => r.Text));
        // The rollups keep the history the raw events left.
        Assert.Equal(71, Scalar(connection, "SELECT SUM(InputTokens) FROM UsageRollups"));
        Assert.Equal(71, Scalar(connection, "SELECT SUM(Tokens) FROM CustomerDailyUsage"));
    }

    [Fact]
    public async Task A_database_from_before_keeps_its_events_moved_into_their_days_and_a_retry_of_one_is_a_duplicate()
    {
        using var folder = new TempFolder("tokenconsole-legacy-");
        var connectionString = $"Data Source={folder.File("legacy.db")}";
        var options = new DbContextOptionsBuilder<TokenConsoleDbContext>().UseSqlite(connectionString).Options;
        await using (var db = new TokenConsoleDbContext(options))
        {
            // The schema as the last release left it, with two events in the single table.
            await db.GetService<IMigrator>().MigrateAsync("20261202123153_RuleEffects", Ct);
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO UsageEvents (Id, EventId, Timestamp, CustomerId, PackageId, ModelId, PoolId, RegionCode, IndustryCode, InputTokens, OutputTokens, RevenueMicros, ComputeCostMicros, IngestedAt)
                VALUES (1, 'old-a', {Midnight.AddHours(-2).UtcTicks}, 1, 1, 1, 1, 'CN-GD', 'finance', 5, 0, 7, 1, 0),
                       (2, 'old-b', {Midnight.AddHours(5).UtcTicks}, 1, 1, 1, 1, 'CN-GD', 'finance', 6, 0, 8, 1, 0)
                """, Ct);
            await db.Database.MigrateAsync(Ct);
            // Readable through the view before the move.
            Assert.Equal(2, await db.UsageEvents.CountAsync(Ct));
        }

        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(Ct);
        UsageEventTables.Prepare(connection);
        UsageEventTables.Prepare(connection);

        Assert.Equal([UsageEventTables.DayOf(Midnight.AddHours(-2).UtcTicks), UsageEventTables.DayOf(Midnight.UtcTicks)], UsageEventTables.Days(connection, null));
        Assert.Equal(0, Scalar(connection, $"SELECT COUNT(*) FROM sqlite_master WHERE name = '{UsageEventTables.Legacy}'"));
        Assert.Equal([(22L, "old-a"), (5L, "old-b")], Rows(connection, "SELECT (Timestamp % 864000000000) / 36000000000, EventId FROM UsageEvents ORDER BY EventId"));
        Assert.Equal(15, Scalar(connection, "SELECT SUM(RevenueMicros) FROM UsageEvents"));
        using var retry = connection.CreateCommand();
        retry.CommandText = UsageEventTables.InsertSql(UsageEventTables.DayOf(Midnight.UtcTicks));
        foreach (var value in new object[] { "old-b", Midnight.AddHours(5).UtcTicks, 1, 1, 1, 1, "CN-GD", "finance", 6, 0, 8, 1, 0, UsageEventTables.IdHash("old-b"), 0 })
        {
            retry.Parameters.AddWithValue($"?{retry.Parameters.Count + 1}", value);
        }
        Assert.Equal(0, await retry.ExecuteNonQueryAsync(Ct));
    }

    [Fact]
    public async Task Day_tables_from_before_the_id_hash_get_it_and_its_index_and_a_retry_of_their_events_is_a_duplicate()
    {
        await using var bed = await BucketTestBed.CreateAsync();
        var s = await bed.SubscribeAsync(await bed.PackageAsync("UPGRADE", 1_000_000));
        var day = UsageEventTables.DayOf(Midnight.UtcTicks);
        var table = UsageEventTables.TableOf(day);
        using (var old = Open(bed))
        {
            CreateFirstLayoutDay(old, table);
            Execute(old, $"""
                INSERT INTO "{table}" VALUES (3, 'stored-a', {Midnight.AddHours(3).UtcTicks}, {s.CustomerId}, {s.PackageId}, 1, 1, 'CN-GD', 'finance', 5, 0, 7, 1, 0),
                                             (4, 'stored-b', {Midnight.AddHours(4).UtcTicks}, {s.CustomerId}, {s.PackageId}, 1, 1, 'CN-GD', 'finance', 6, 0, 8, 1, 0);
                DROP VIEW IF EXISTS UsageEvents;
                """);
        }

        var writer = await bed.StartWriterAsync();
        Assert.Equal(new(0, 1), await BucketTestBed.WriteAsync(writer, bed.Event(s, "stored-a", Midnight.AddHours(3), 5)));
        Assert.Equal(new(1, 0), await BucketTestBed.WriteAsync(writer, bed.Event(s, "new-c", Midnight.AddHours(3), 9)));

        await using var connection = Open(bed);
        Assert.Equal([(UsageEventTables.IdHash("new-c"), "new-c"), (UsageEventTables.IdHash("stored-a"), "stored-a"), (UsageEventTables.IdHash("stored-b"), "stored-b")],
            Rows(connection, $"SELECT IdHash, EventId FROM \"{table}\" ORDER BY EventId"));
        Assert.Equal([$"IX_{table}_Hour_IdHash_Salt"], Rows(connection, $"SELECT 0, name FROM sqlite_master WHERE type = 'index' AND tbl_name = '{table}'").Select(r => r.Text));
        Assert.Equal(20, Scalar(connection, "SELECT SUM(InputTokens) FROM UsageEvents"));
    }

    [Fact]
    public void Rows_of_a_day_from_before_whose_hashes_collide_get_salts_in_the_order_they_were_stored()
    {
        using var folder = new TempFolder("tokenconsole-salts-");
        using var connection = new SqliteConnection($"Data Source={folder.File("salts.db")}");
        connection.Open();
        var table = UsageEventTables.TableOf(UsageEventTables.DayOf(Midnight.UtcTicks));
        CreateFirstLayoutDay(connection, table);
        Execute(connection, $"""
            INSERT INTO "{table}" VALUES (3, 'c', 0, 1, 1, 1, 1, 'CN-GD', 'finance', 1, 0, 0, 0, 0), (3, 'a', 0, 1, 1, 1, 1, 'CN-GD', 'finance', 1, 0, 0, 0, 0),
                                         (4, 'b', 0, 1, 1, 1, 1, 'CN-GD', 'finance', 1, 0, 0, 0, 0), (3, 'd', 0, 1, 1, 1, 1, 'CN-GD', 'finance', 1, 0, 0, 0, 0);
            """);

        // Every id hashes alike: the three of hour 3 collide, the one of hour 4 is alone in its hour.
        UsageEventTables.Prepare(connection, _ => 42);

        // Hour × 10 + salt.
        Assert.Equal([(30L, "c"), (31L, "a"), (32L, "d"), (40L, "b")],
            Rows(connection, $"SELECT Hour * 10 + Salt, EventId FROM \"{table}\" ORDER BY Hour, Salt"));
    }

    [Fact]
    public async Task Two_ids_whose_hashes_collide_are_two_events_and_each_retry_is_still_a_duplicate()
    {
        await using var bed = await BucketTestBed.CreateAsync();
        var s = await bed.SubscribeAsync(await bed.PackageAsync("COLLIDE", 1_000_000));
        var writer = await bed.StartWriterAsync();
        var at = Midnight.AddHours(7);
        Assert.Equal(new(1, 0), await BucketTestBed.WriteAsync(writer, bed.Event(s, "first", at, 100)));
        using (var forge = Open(bed))
        {
            // No two ids with the same 64-bit hash are known: a stored event of the same hour is given the next id's hash.
            Execute(forge, $"""
                INSERT INTO "{UsageEventTables.TableOf(UsageEventTables.DayOf(at.UtcTicks))}" (Hour, IdHash, Salt, EventId, Timestamp, CustomerId, PackageId, ModelId, PoolId, RegionCode, IndustryCode, InputTokens, OutputTokens, RevenueMicros, ComputeCostMicros, IngestedAt)
                VALUES (7, {UsageEventTables.IdHash("second")}, 0, 'colliding', {at.UtcTicks}, {s.CustomerId}, {s.PackageId}, 1, 1, 'CN-GD', 'finance', 1000, 0, 0, 0, 0)
                """);
        }

        Assert.Equal(new(1, 0), await BucketTestBed.WriteAsync(writer, bed.Event(s, "second", at.AddMinutes(1), 200)));
        Assert.Equal(new(0, 2), await BucketTestBed.WriteAsync(writer, bed.Event(s, "second", at.AddMinutes(1), 200), bed.Event(s, "first", at, 100)));
        await using var connection = Open(bed);
        Assert.Equal(1_300, Scalar(connection, "SELECT SUM(InputTokens) FROM UsageEvents"));
    }

    [Fact]
    public void The_probe_of_a_taken_key_seeks_the_hour_and_hash_in_the_day_index_and_scans_nothing()
    {
        using var folder = new TempFolder("tokenconsole-plan-");
        using var connection = new SqliteConnection($"Data Source={folder.File("plan.db")}");
        connection.Open();
        var day = UsageEventTables.DayOf(Midnight.UtcTicks);
        UsageEventTables.EnsureDay(connection, null, day);
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + UsageEventTables.ProbeSql(day);
        command.Parameters.AddWithValue("?1", Midnight.UtcTicks);
        command.Parameters.AddWithValue("?2", 1L);
        command.Parameters.AddWithValue("?3", "x");
        using var reader = command.ExecuteReader();
        var plan = new List<string>();
        while (reader.Read())
        {
            plan.Add(reader.GetString(3));
        }
        Assert.Contains($"SEARCH {UsageEventTables.TableOf(day)} USING INDEX IX_{UsageEventTables.TableOf(day)}_Hour_IdHash_Salt (Hour=? AND IdHash=?)", plan);
        Assert.DoesNotContain(plan, p => p.StartsWith("SCAN", StringComparison.Ordinal));
    }

    /// <summary>A day table in the layout of the first day tables (2 December): a unique index on (hour, id), no hash.</summary>
    private static void CreateFirstLayoutDay(SqliteConnection connection, string table) => Execute(connection, $"""
        CREATE TABLE "{table}" (
            Hour INTEGER NOT NULL, EventId TEXT NOT NULL, Timestamp INTEGER NOT NULL, CustomerId INTEGER NOT NULL, PackageId INTEGER NOT NULL,
            ModelId INTEGER NOT NULL, PoolId INTEGER NOT NULL, RegionCode TEXT NOT NULL, IndustryCode TEXT NOT NULL, InputTokens INTEGER NOT NULL,
            OutputTokens INTEGER NOT NULL, RevenueMicros INTEGER NOT NULL, ComputeCostMicros INTEGER NOT NULL, IngestedAt INTEGER NOT NULL);
        CREATE UNIQUE INDEX "IX_{table}_Hour_EventId" ON "{table}" (Hour, EventId);
        """);

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static SqliteConnection Open(BucketTestBed bed)
    {
        var connection = new SqliteConnection(bed.Database.ConnectionString);
        connection.Open();
        return connection;
    }

    /// <summary>
    /// Retention runs on the writer right after the batch that found it due, once the batch is answered. Up to 30 s: once,
    /// in the full suite on a loaded machine, the writer's loop did not get to it within 10 s (alone it takes milliseconds).
    /// </summary>
    private static async Task DroppedAsync(BucketTestBed bed, int day, Func<Task>? nudge = null)
    {
        for (var waited = 0; waited < 600; waited++)
        {
            using (var connection = Open(bed))
            {
                if (!UsageEventTables.Days(connection, null).Contains(day))
                {
                    return;
                }
            }
            if (waited == 200 && nudge is not null)
            {
                await nudge();
            }
            await Task.Delay(50, Ct);
        }
        Assert.Fail($"{UsageEventTables.TableOf(day)} was not dropped within 30 s.");
    }

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static List<(long Number, string Text)> Rows(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<(long, string)>();
        while (reader.Read())
        {
            rows.Add((reader.GetInt64(0), reader.GetString(1)));
        }
        return rows;
    }
}
