using System.Diagnostics;
using Microsoft.Data.Sqlite;
using TokenConsole.Data;
using TokenConsole.Features.Usage.Ingestion;
using TokenConsole.LoadGen;

namespace TokenConsole.Benchmarks;

/// <summary>
/// Writes raw usage events straight into a console database's events table with native binding (SQLitePCL, values
/// bound by position): the prefill of the ingestion benchmark, and its baseline, which writes the rows the console
/// was sent into the same tables and keys, as fast as SQLite takes them.
/// </summary>
internal static class EventTableFill
{
    public readonly record struct Row(string Id, long Timestamp, string Region, string Industry, long Input, long Output);

    private static readonly string[] Columns =
        ["Hour", "IdHash", "Salt", "EventId", "Timestamp", "CustomerId", "PackageId", "ModelId", "PoolId", "RegionCode", "IndustryCode", "InputTokens", "OutputTokens", "RevenueMicros", "ComputeCostMicros", "IngestedAt"];

    /// <summary>
    /// The same rows in one transaction, each into its day's table (<see cref="UsageEventTables"/>), plain INSERTs (no
    /// conflict clause: the ids are new); rows per second.
    /// </summary>
    public static double InsertPerSecond(string database, IReadOnlyList<Row> rows)
    {
        using var connection = Open(database);
        var inserts = new Dictionary<int, SqliteRowWriter>();
        var stopwatch = Stopwatch.StartNew();
        using (var transaction = connection.BeginTransaction())
        {
            foreach (var row in rows)
            {
                var day = UsageEventTables.DayOf(row.Timestamp);
                if (!inserts.TryGetValue(day, out var insert))
                {
                    UsageEventTables.EnsureDay(connection, transaction, day);
                    inserts[day] = insert = new SqliteRowWriter(connection, UsageEventTables.TableOf(day), Columns);
                }
                Add(insert, row);
            }
            transaction.Commit();
        }
        var perSecond = rows.Count / stopwatch.Elapsed.TotalSeconds;
        foreach (var insert in inserts.Values)
        {
            insert.Dispose();
        }
        return perSecond;
    }

    /// <summary>
    /// <paramref name="count"/> events with random (UUID) ids and timestamps spread evenly over the 30 days before
    /// <paramref name="now"/> (the accepted window, all inside the retention), into their days' tables.
    /// </summary>
    public static TimeSpan Prefill(string database, long count, DateTimeOffset now)
    {
        var stopwatch = Stopwatch.StartNew();
        using var connection = Open(database);
        var random = new Random(20_000_000);
        var start = now.AddDays(-30).UtcTicks;
        var step = (now.AddHours(-1).UtcTicks - start) / count;
        for (long done = 0; done < count;)
        {
            var day = UsageEventTables.DayOf(start + done * step);
            var rows = new List<Row>();
            for (; done < count && UsageEventTables.DayOf(start + done * step) == day; done++)
            {
                rows.Add(new Row(UsageSource.Uuid(random), start + done * step, "CN-GD", "finance", 200 + random.Next(4_000), 50 + random.Next(1_200)));
            }
            FillDay(connection, day, rows);
        }
        return stopwatch.Elapsed;
    }

    /// <summary>A whole day of <paramref name="count"/> events, <paramref name="daysAgo"/> UTC days before <paramref name="now"/>: one past the retention, for the writer to drop.</summary>
    public static void AddDay(string database, int daysAgo, int count, DateTimeOffset now)
    {
        using var connection = Open(database);
        var random = new Random(daysAgo);
        var day = UsageEventTables.DayOf(now.UtcTicks) - daysAgo;
        var step = TimeSpan.TicksPerDay / count;
        FillDay(connection, day, [.. Enumerable.Range(0, count).Select(i =>
            new Row(UsageSource.Uuid(random), day * TimeSpan.TicksPerDay + i * step, "CN-GD", "finance", 200 + random.Next(4_000), 50 + random.Next(1_200)))]);
    }

    /// <summary>One day's rows in key order, as SQLite appends faster than it inserts at random: set-up, not what is measured.</summary>
    public static void FillDay(SqliteConnection connection, int day, List<Row> rows)
    {
        // The index's key order: the hour, then the id's hash.
        rows.Sort((a, b) => UsageEventTables.HourOf(a.Timestamp) != UsageEventTables.HourOf(b.Timestamp)
            ? UsageEventTables.HourOf(a.Timestamp).CompareTo(UsageEventTables.HourOf(b.Timestamp)) : UsageEventTables.IdHash(a.Id).CompareTo(UsageEventTables.IdHash(b.Id)));
        using var transaction = connection.BeginTransaction();
        UsageEventTables.EnsureDay(connection, transaction, day);
        using (var insert = new SqliteRowWriter(connection, UsageEventTables.TableOf(day), Columns))
        {
            foreach (var row in rows)
            {
                Add(insert, row);
            }
        }
        transaction.Commit();
    }

    private static void Add(SqliteRowWriter insert, in Row row)
    {
        insert.Add(UsageEventTables.HourOf(row.Timestamp)).Add(UsageEventTables.IdHash(row.Id)).Add(0).Add(row.Id).Add(row.Timestamp).Add(1).Add(1).Add(1).Add(1).Add(row.Region).Add(row.Industry)
            .Add(row.Input).Add(row.Output).Add(100_000).Add(50_000).Add(row.Timestamp);
        insert.Insert();
    }

    private static SqliteConnection Open(string database)
    {
        var connection = new SqliteConnection($"Data Source={database}");
        connection.Open();
        // The console writer's pragmas (WAL, FULL, a 64 MiB page cache), so that the baseline is slowed by work, not settings.
        Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-65536;");
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 0;
        command.ExecuteNonQuery();
    }
}
