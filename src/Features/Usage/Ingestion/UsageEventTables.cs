using System.Data.Common;
using System.Globalization;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace TokenConsole.Features.Usage.Ingestion;

/// <summary>
/// Raw usage events, stored by time (issue 14). One table per UTC day of the event's timestamp, <c>UsageEvents_yyyyMMdd</c>,
/// rows appended in arrival order, with a unique index on (hour of the day, a 64-bit hash of the event id, a salt) that is
/// the idempotency check: the events of this hour land in this hour's part of today's index, so an insert's cost depends on the
/// hour's traffic, not on the 40 days behind it (with one table and a unique index on random ids, ingestion fell from
/// 50,000 to 18,000 events/s as the table grew to 21M rows). The hash, not the id, because random ids put each insert
/// on a random page of the hour's part, and a commit writes every page it touched: an entry of ~20 bytes instead of
/// ~50 for a UUID makes that part 2.5× smaller (with the checkpoint off the writer's thread, 63–80k events/s with the
/// id in the index, 87–101k with an entry of that size, 114–128k with no index at all; UUID ids, empty table). A
/// separate probe before each insert cost more than the smaller index saved (70–75k): the unique index is the check.
/// A day leaves whole: <c>DROP TABLE</c>, which frees the day's pages without touching a row of any other day.
/// The view <c>UsageEvents</c> unions the days for the few readers of raw events (tests, support).
/// <para>
/// Exactly once: an event is a duplicate of a stored one when it has the same id in the same UTC hour. A retry resends
/// the event as it was — the same id and timestamp (the API's contract) — so it lands in the same day's table and hour,
/// with the same hash. It is inserted with salt 0; when that key is taken, the rows of that hour and hash are looked
/// at (<see cref="ProbeSql"/>): one with the same id makes it a duplicate, and otherwise (two ids whose hashes collide,
/// a few times a year at 10⁸ events an hour) it is stored with the next salt — two events, never a lost one. Both happen
/// in the writer's transaction, under SQLite's write lock, so no other writer comes between.
/// An event can only be retried while it is accepted, within <c>Ingestion:AcceptedWindowDays</c> (30) of now, and a
/// day's table is dropped only when its last instant is <c>Ingestion:EventRetentionDays</c> (40, checked to be longer)
/// behind: a retry that is accepted always finds its first copy. The same id sent again with a timestamp in another
/// hour is a different event, and counted as one.
/// </para>
/// SQLite only (the writer and the demo seeder); PostgreSQL partitions the table by day instead (issue 15).
/// </summary>
internal static class UsageEventTables
{
    public const string View = "UsageEvents";
    private const string Prefix = "UsageEvents_";
    /// <summary>The table the events of SQLite databases migrated before issue 14 were in, until <see cref="Prepare"/> moves them.</summary>
    public const string Legacy = "UsageEventsLegacy";

    private const string Columns = "EventId, Timestamp, CustomerId, PackageId, ModelId, PoolId, RegionCode, IndustryCode, InputTokens, OutputTokens, RevenueMicros, ComputeCostMicros, IngestedAt";

    /// <summary>The UTC day number of a timestamp (days since 0001-01-01): which table the event is in.</summary>
    public static int DayOf(long utcTicks) => (int)(utcTicks / TimeSpan.TicksPerDay);

    /// <summary>The hour of the UTC day (0–23): the first part of the day table's key.</summary>
    public static int HourOf(long utcTicks) => (int)(utcTicks % TimeSpan.TicksPerDay / TimeSpan.TicksPerHour);

    /// <summary>
    /// The event id's hash in the day tables' index: XxHash3 of the id's UTF-16 code units (little-endian, as .NET holds
    /// them on every platform it runs on here), as SQLite's signed 64-bit integer. Stable across processes and versions:
    /// it is stored.
    /// </summary>
    public static long IdHash(string eventId) => unchecked((long)XxHash3.HashToUInt64(MemoryMarshal.AsBytes(eventId.AsSpan())));

    /// <summary>The name under which <see cref="RegisterIdHash"/> gives SQL the hash, for moving and upgrading stored rows.</summary>
    private const string IdHashFunction = "tc_event_id_hash";

    /// <summary>Lets SQL on <paramref name="connection"/> compute <see cref="IdHash"/> (or, in a test, a hash that collides at will).</summary>
    private static void RegisterIdHash(SqliteConnection connection, Func<string, long> hash) =>
        connection.CreateFunction(IdHashFunction, hash, isDeterministic: true);

    public static string TableOf(int day) => Prefix + new DateTime(day * TimeSpan.TicksPerDay, DateTimeKind.Utc).ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>
    /// An INSERT of one event into a day's table, parameters ?1…?13 in <see cref="Columns"/> order, ?14 the id's
    /// <see cref="IdHash"/> and ?15 the salt (0 first); no row changes when the key is taken (see <see cref="ProbeSql"/>).
    /// </summary>
    public static string InsertSql(int day) =>
        $"INSERT INTO \"{TableOf(day)}\" (Hour, IdHash, Salt, {Columns}) VALUES ({HourOfParameter(2)}, ?14, ?15, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) ON CONFLICT (Hour, IdHash, Salt) DO NOTHING";

    /// <summary>
    /// When an insert's key was taken: for the timestamp ?1, the hash ?2 and the id ?3, the highest salt stored and
    /// whether one of those rows has the id (1: a duplicate; 0: a hash collision, stored with the next salt).
    /// </summary>
    public static string ProbeSql(int day) =>
        $"SELECT MAX(Salt), MAX(EventId = ?3) FROM \"{TableOf(day)}\" WHERE Hour = {HourOfParameter(1)} AND IdHash = ?2";

    private static string HourOfParameter(int index) => $"(?{index} % {TimeSpan.TicksPerDay}) / {TimeSpan.TicksPerHour}";

    /// <summary>Creates a day's table if it does not exist, and the view over all of them; in the caller's transaction.</summary>
    public static void EnsureDay(DbConnection connection, DbTransaction? transaction, int day)
    {
        var tables = Days(connection, transaction);
        if (tables.Contains(day))
        {
            return;
        }
        Execute(connection, transaction, $"""
            CREATE TABLE "{TableOf(day)}" (
                Hour INTEGER NOT NULL, IdHash INTEGER NOT NULL, Salt INTEGER NOT NULL, EventId TEXT NOT NULL, Timestamp INTEGER NOT NULL, CustomerId INTEGER NOT NULL, PackageId INTEGER NOT NULL,
                ModelId INTEGER NOT NULL, PoolId INTEGER NOT NULL, RegionCode TEXT NOT NULL, IndustryCode TEXT NOT NULL, InputTokens INTEGER NOT NULL,
                OutputTokens INTEGER NOT NULL, RevenueMicros INTEGER NOT NULL, ComputeCostMicros INTEGER NOT NULL, IngestedAt INTEGER NOT NULL);
            {IndexSql(day)};
            """);
        tables.Add(day);
        ReplaceView(connection, transaction, tables);
    }

    private static string IndexSql(int day) => $"CREATE UNIQUE INDEX \"IX_{TableOf(day)}_Hour_IdHash_Salt\" ON \"{TableOf(day)}\" (Hour, IdHash, Salt)";

    /// <summary>Drops a day's table and takes it out of the view; in the caller's transaction.</summary>
    public static void DropDay(DbConnection connection, DbTransaction? transaction, int day)
    {
        var tables = Days(connection, transaction);
        if (tables.Remove(day))
        {
            ReplaceView(connection, transaction, tables);
            Execute(connection, transaction, $"DROP TABLE \"{TableOf(day)}\"");
        }
    }

    /// <summary>The days that have a table, oldest first.</summary>
    public static SortedSet<int> Days(DbConnection connection, DbTransaction? transaction) => DaysWhere(connection, transaction, "");

    /// <summary>The days whose table is from before the id hash (a database written by an earlier version).</summary>
    private static SortedSet<int> DaysWithoutIdHash(DbConnection connection, DbTransaction? transaction) =>
        DaysWhere(connection, transaction, "AND NOT EXISTS (SELECT 1 FROM pragma_table_info(m.name) c WHERE c.name = 'IdHash')");

    private static SortedSet<int> DaysWhere(DbConnection connection, DbTransaction? transaction, string condition)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT m.name FROM sqlite_master m WHERE m.type = 'table' AND m.name GLOB '{Prefix}[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]' {condition}";
        using var reader = command.ExecuteReader();
        var days = new SortedSet<int>();
        while (reader.Read())
        {
            days.Add(DayOfTable(reader.GetString(0))!.Value);
        }
        return days;
    }

    /// <summary>The day a day table (or PostgreSQL partition) is named for; null for any other name.</summary>
    public static int? DayOfTable(string name) =>
        name.StartsWith(Prefix, StringComparison.Ordinal) && DateTime.TryParseExact(name[Prefix.Length..], "yyyyMMdd", CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var date) ? DayOf(date.Ticks) : null;

    /// <summary>
    /// Before the first write: moves the events of a database migrated from the single events table into their days'
    /// tables, gives the day tables of a database written before the id hash their hash and its index, and makes sure
    /// the view exists. One transaction, so that a crash leaves the rows where and as they were. <paramref name="hash"/>
    /// is for tests of colliding hashes; the writer's is <see cref="IdHash"/>.
    /// </summary>
    public static void Prepare(SqliteConnection connection, Func<string, long>? hash = null)
    {
        // Read first: the usual start has nothing to do and must not wait for the write lock.
        var legacy = Exists(connection, null, Legacy);
        if (!legacy && DaysWithoutIdHash(connection, null).Count == 0 && Exists(connection, null, View, "view"))
        {
            return;
        }
        RegisterIdHash(connection, hash ?? IdHash);
        using var transaction = connection.BeginTransaction();
        foreach (var day in DaysWithoutIdHash(connection, transaction))
        {
            var table = TableOf(day);
            // The old unique index on (Hour, EventId) goes; rows whose hashes collide in an hour get salts 0, 1, … in the
            // order they were stored.
            Execute(connection, transaction, $"""
                ALTER TABLE "{table}" ADD COLUMN IdHash INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE "{table}" ADD COLUMN Salt INTEGER NOT NULL DEFAULT 0;
                UPDATE "{table}" SET IdHash = {IdHashFunction}(EventId);
                UPDATE "{table}" SET Salt = salted.Salt FROM ({SaltsSql($"SELECT rowid AS Row, Hour, IdHash FROM \"{table}\"", "Row")}) AS salted
                WHERE "{table}".rowid = salted.Row AND salted.Salt > 0;
                DROP INDEX IF EXISTS "IX_{table}_Hour_EventId";
                {IndexSql(day)};
                """);
        }
        if (legacy)
        {
            foreach (var day in LegacyDays(connection, transaction))
            {
                EnsureDay(connection, transaction, day);
                // The single table's unique index on EventId leaves no duplicates to skip.
                Execute(connection, transaction, $"""
                    INSERT INTO "{TableOf(day)}" (Hour, IdHash, Salt, {Columns})
                    SELECT Hour, IdHash, Salt, {Columns} FROM ({SaltsSql($"""
                        SELECT (Timestamp % {TimeSpan.TicksPerDay}) / {TimeSpan.TicksPerHour} AS Hour, {IdHashFunction}(EventId) AS IdHash, * FROM "{Legacy}"
                        WHERE Timestamp >= {day * TimeSpan.TicksPerDay} AND Timestamp < {(day + 1L) * TimeSpan.TicksPerDay}
                        """, "Id")})
                    """);
            }
            ReplaceView(connection, transaction, Days(connection, transaction));
            Execute(connection, transaction, $"DROP TABLE \"{Legacy}\"");
        }
        else if (!Exists(connection, transaction, View, "view"))
        {
            ReplaceView(connection, transaction, Days(connection, transaction));
        }
        transaction.Commit();
    }

    /// <summary>The rows of <paramref name="rows"/> (with Hour and IdHash) and each one's salt: 0, 1, … among the rows of its hour and hash, in <paramref name="order"/>.</summary>
    private static string SaltsSql(string rows, string order) =>
        $"SELECT *, ROW_NUMBER() OVER (PARTITION BY Hour, IdHash ORDER BY {order}) - 1 AS Salt FROM ({rows})";

    private static List<int> LegacyDays(DbConnection connection, DbTransaction transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT DISTINCT Timestamp / {TimeSpan.TicksPerDay} FROM \"{Legacy}\"";
        using var reader = command.ExecuteReader();
        var days = new List<int>();
        while (reader.Read())
        {
            days.Add(checked((int)reader.GetInt64(0)));
        }
        return days;
    }

    private static void ReplaceView(DbConnection connection, DbTransaction? transaction, IEnumerable<int> days)
    {
        var selects = days.Select(d => $"SELECT {Columns} FROM \"{TableOf(d)}\"").ToList();
        // No day yet: an empty view of the same columns, so that readers need not know.
        var body = selects.Count > 0 ? string.Join("\nUNION ALL ", selects)
            : "SELECT '' AS EventId, 0 AS Timestamp, 0 AS CustomerId, 0 AS PackageId, 0 AS ModelId, 0 AS PoolId, '' AS RegionCode, '' AS IndustryCode, 0 AS InputTokens, 0 AS OutputTokens, 0 AS RevenueMicros, 0 AS ComputeCostMicros, 0 AS IngestedAt WHERE 0";
        Execute(connection, transaction, $"DROP VIEW IF EXISTS \"{View}\"; CREATE VIEW \"{View}\" AS {body}");
    }

    private static bool Exists(DbConnection connection, DbTransaction? transaction, string name, string type = "table")
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT COUNT(*) FROM sqlite_master WHERE type = '{type}' AND name = '{name}'";
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) > 0;
    }

    private static void Execute(DbConnection connection, DbTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
