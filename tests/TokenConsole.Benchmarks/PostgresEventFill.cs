using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using TokenConsole.Features.Usage.Ingestion;
using TokenConsole.LoadGen;

namespace TokenConsole.Benchmarks;

/// <summary>
/// PostgreSQL's counterpart of <see cref="EventTableFill"/>: raw usage events written straight into the partitioned
/// events table by binary COPY (the fastest way PostgreSQL takes rows) — the prefill of the ingestion benchmark on
/// PostgreSQL, and its baseline, which writes the rows the console was sent into the same table and key.
/// </summary>
internal static class PostgresEventFill
{
    private const string Copy = """
        COPY "UsageEvents" ("Hour", "EventId", "Timestamp", "CustomerId", "PackageId", "ModelId", "PoolId", "RegionCode", "IndustryCode",
            "InputTokens", "OutputTokens", "RevenueMicros", "ComputeCostMicros", "IngestedAt") FROM STDIN (FORMAT BINARY)
        """;

    /// <summary>The rows in one transaction by one binary COPY (the partitions made first); rows per second.</summary>
    public static double CopyPerSecond(string connectionString, IReadOnlyList<EventTableFill.Row> rows)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        var stopwatch = Stopwatch.StartNew();
        using (var transaction = connection.BeginTransaction())
        {
            foreach (var day in rows.Select(r => UsageEventTables.DayOf(r.Timestamp)).Distinct())
            {
                PostgresUsageEventTables.EnsureDay(connection, transaction, day);
            }
            Write(connection, rows);
            transaction.Commit();
        }
        return rows.Count / stopwatch.Elapsed.TotalSeconds;
    }

    /// <summary><paramref name="count"/> events with UUID ids spread evenly over the 30 days before <paramref name="now"/>, a day per transaction.</summary>
    public static TimeSpan Prefill(string connectionString, long count, DateTimeOffset now)
    {
        var stopwatch = Stopwatch.StartNew();
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        var random = new Random(20_000_000);
        var start = now.AddDays(-30).UtcTicks;
        var step = (now.AddHours(-1).UtcTicks - start) / count;
        for (long done = 0; done < count;)
        {
            var day = UsageEventTables.DayOf(start + done * step);
            var rows = new List<EventTableFill.Row>();
            for (; done < count && UsageEventTables.DayOf(start + done * step) == day; done++)
            {
                rows.Add(new EventTableFill.Row(UsageSource.Uuid(random), start + done * step, "CN-GD", "finance", 200 + random.Next(4_000), 50 + random.Next(1_200)));
            }
            using var transaction = connection.BeginTransaction();
            PostgresUsageEventTables.EnsureDay(connection, transaction, day);
            Write(connection, rows);
            transaction.Commit();
        }
        using (var analyze = new NpgsqlCommand("""ANALYZE "UsageEvents" """, connection) { CommandTimeout = 0 })
        {
            analyze.ExecuteNonQuery();
        }
        return stopwatch.Elapsed;
    }

    /// <summary>A whole day of <paramref name="count"/> events, <paramref name="daysAgo"/> UTC days before <paramref name="now"/>: one past the retention, for the writer to drop.</summary>
    public static void AddDay(string connectionString, int daysAgo, int count, DateTimeOffset now)
    {
        var random = new Random(daysAgo);
        var day = UsageEventTables.DayOf(now.UtcTicks) - daysAgo;
        var step = TimeSpan.TicksPerDay / count;
        CopyPerSecond(connectionString, [.. Enumerable.Range(0, count).Select(i =>
            new EventTableFill.Row(UsageSource.Uuid(random), day * TimeSpan.TicksPerDay + i * step, "CN-GD", "finance", 200 + random.Next(4_000), 50 + random.Next(1_200)))]);
    }

    private static void Write(NpgsqlConnection connection, IEnumerable<EventTableFill.Row> rows)
    {
        using var copy = connection.BeginBinaryImport(Copy);
        foreach (var row in rows)
        {
            copy.StartRow();
            copy.Write(PostgresUsageEventTables.HourOf(row.Timestamp), NpgsqlDbType.Bigint);
            copy.Write(row.Id, NpgsqlDbType.Varchar);
            copy.Write(row.Timestamp, NpgsqlDbType.Bigint);
            copy.Write(1, NpgsqlDbType.Integer);
            copy.Write(1, NpgsqlDbType.Integer);
            copy.Write(1, NpgsqlDbType.Integer);
            copy.Write(1, NpgsqlDbType.Integer);
            copy.Write(row.Region, NpgsqlDbType.Text);
            copy.Write(row.Industry, NpgsqlDbType.Text);
            copy.Write(row.Input, NpgsqlDbType.Bigint);
            copy.Write(row.Output, NpgsqlDbType.Bigint);
            copy.Write(100_000L, NpgsqlDbType.Bigint);
            copy.Write(50_000L, NpgsqlDbType.Bigint);
            copy.Write(row.Timestamp, NpgsqlDbType.Bigint);
        }
        copy.Complete();
    }
}
