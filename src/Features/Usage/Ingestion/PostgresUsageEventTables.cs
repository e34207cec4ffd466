using System.Data.Common;

namespace TokenConsole.Features.Usage.Ingestion;

/// <summary>
/// Raw usage events on PostgreSQL (issue 15): one table, <c>UsageEvents</c>, partitioned by the event's UTC hour in
/// ranges of a day, a partition per day named as SQLite's day tables are (<c>UsageEvents_yyyyMMdd</c>), made before the
/// day's first event is written and dropped whole when the day leaves the retention window.
/// <para>
/// Exactly once, as on SQLite (<see cref="UsageEventTables"/>): an event is a duplicate of a stored one when it has the
/// same id in the same UTC hour, and the primary key ("Hour", "EventId") is that check (the partition key is in it, as
/// PostgreSQL requires of a unique key on a partitioned table, so the check never crosses a partition). A retry resends
/// the event as it was, the same id and timestamp, so it lands in the same hour of the same partition; it is accepted
/// only within <c>Ingestion:AcceptedWindowDays</c> of now, and a partition is dropped only when its last instant is
/// <c>Ingestion:EventRetentionDays</c> behind (checked to be longer), so a retry that is accepted always meets its first copy.
/// </para>
/// </summary>
internal static class PostgresUsageEventTables
{
    /// <summary>The "Hour" column: whole UTC hours since 0001-01-01, the partition key.</summary>
    public static long HourOf(long utcTicks) => utcTicks / TimeSpan.TicksPerHour;

    /// <summary>Makes the day's partition if it is not there (in the caller's transaction).</summary>
    public static void EnsureDay(DbConnection connection, DbTransaction? transaction, int day)
    {
        var first = (long)day * 24;
        Execute(connection, transaction,
            $"""CREATE TABLE IF NOT EXISTS "{UsageEventTables.TableOf(day)}" PARTITION OF "{UsageEventTables.View}" FOR VALUES FROM ({first}) TO ({first + 24})""");
    }

    /// <summary>Drops a day's partition with its events, at once (no row is deleted one by one).</summary>
    public static void DropDay(DbConnection connection, DbTransaction? transaction, int day) =>
        Execute(connection, transaction, $"""DROP TABLE IF EXISTS "{UsageEventTables.TableOf(day)}" """);

    /// <summary>The days that have a partition.</summary>
    public static SortedSet<int> Days(DbConnection connection, DbTransaction? transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
            WHERE p.relname = '{UsageEventTables.View}' AND p.relnamespace = current_schema()::regnamespace
            """;
        var days = new SortedSet<int>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            if (UsageEventTables.DayOfTable(reader.GetString(0)) is { } day)
            {
                days.Add(day);
            }
        }
        return days;
    }

    private static void Execute(DbConnection connection, DbTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
