using Microsoft.Data.Sqlite;
using SQLitePCL;
using TokenConsole.Data;
using TokenConsole.Features.Pricing;

namespace TokenConsole.Features.Usage.Ingestion;

public sealed partial class UsageWriter
{
    /// <summary>
    /// The SQL of the writer, prepared once for the writer's connection (through SQLitePCL, under Microsoft.Data.Sqlite)
    /// and executed per row through SQLite's own C functions (<see cref="NativeMethods"/>). Microsoft.Data.Sqlite's
    /// <c>ExecuteNonQuery</c> boxes each parameter, looks each one up by name and makes a data reader per execution: with
    /// 13 parameters that cost about 3× the insert itself, paid per event on the single writer thread (issue 5: 14–23 µs
    /// against 5–9 µs per event). Text is bound as UTF-16: SQLite converts it to UTF-8 in C, where SQLitePCL's string
    /// overload allocated a UTF-8 copy of each value in .NET (12 % of the writer's time in a profile).
    /// </summary>
    private sealed class Statements : IDisposable
    {
        private readonly sqlite3 _db;
        private readonly sqlite3_stmt _insert;
        private readonly sqlite3_stmt _hourly;
        private readonly sqlite3_stmt _cell;
        private readonly sqlite3_stmt _customer;
        // The raw handles of the statements above, for NativeMethods; valid while those are not disposed.
        private readonly nint _dbHandle, _insertHandle, _hourlyHandle, _cellHandle, _customerHandle;

        public Statements(SqliteConnection connection)
        {
            _db = connection.Handle ?? throw new InvalidOperationException("The writer's connection is not open.");
            _insert = Prepare("""
                INSERT INTO UsageEvents (EventId, Timestamp, CustomerId, PackageId, ModelId, PoolId, RegionCode, IndustryCode, InputTokens, OutputTokens, RevenueMicros, ComputeCostMicros, IngestedAt)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
                ON CONFLICT (EventId) DO NOTHING
                """);
            _hourly = Prepare("""
                INSERT INTO UsageRollups (Hour, RegionCode, IndustryCode, ModelId, PackageId, PoolId, InputTokens, OutputTokens, Calls, RevenueMicros, ComputeCostMicros)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                ON CONFLICT (Hour, RegionCode, IndustryCode, ModelId, PackageId, PoolId) DO UPDATE SET
                    InputTokens = InputTokens + excluded.InputTokens, OutputTokens = OutputTokens + excluded.OutputTokens,
                    Calls = Calls + excluded.Calls, RevenueMicros = RevenueMicros + excluded.RevenueMicros, ComputeCostMicros = ComputeCostMicros + excluded.ComputeCostMicros
                """);
            _cell = Prepare("""
                INSERT INTO RegionIndustryDaily (Day, RegionCode, IndustryCode, Tokens, Calls, RevenueMicros, ComputeCostMicros)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                ON CONFLICT (RegionCode, IndustryCode, Day) DO UPDATE SET
                    Tokens = Tokens + excluded.Tokens, Calls = Calls + excluded.Calls,
                    RevenueMicros = RevenueMicros + excluded.RevenueMicros, ComputeCostMicros = ComputeCostMicros + excluded.ComputeCostMicros
                """);
            _customer = Prepare("""
                INSERT INTO CustomerDailyUsage (Day, CustomerId, ModelId, Tokens, Calls, RevenueMicros, ComputeCostMicros)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                ON CONFLICT (Day, CustomerId, ModelId) DO UPDATE SET
                    Tokens = Tokens + excluded.Tokens, Calls = Calls + excluded.Calls,
                    RevenueMicros = RevenueMicros + excluded.RevenueMicros, ComputeCostMicros = ComputeCostMicros + excluded.ComputeCostMicros
                """);
            _dbHandle = _db.DangerousGetHandle();
            _insertHandle = _insert.DangerousGetHandle();
            _hourlyHandle = _hourly.DangerousGetHandle();
            _cellHandle = _cell.DangerousGetHandle();
            _customerHandle = _customer.DangerousGetHandle();
        }

        /// <summary>Inserts one event; false when its id is already stored (a duplicate).</summary>
        public bool Insert(in ValidUsageEvent e, in Rating rating, long now)
        {
            var s = _insertHandle;
            NativeMethods.BindText(s, 1, e.EventId);
            NativeMethods.BindInt64(s, 2, e.Timestamp.UtcTicks);
            NativeMethods.BindInt64(s, 3, e.CustomerId);
            NativeMethods.BindInt64(s, 4, e.PackageId);
            NativeMethods.BindInt64(s, 5, e.ModelId);
            NativeMethods.BindInt64(s, 6, e.PoolId);
            NativeMethods.BindText(s, 7, e.RegionCode);
            NativeMethods.BindText(s, 8, e.IndustryCode);
            NativeMethods.BindInt64(s, 9, e.InputTokens);
            NativeMethods.BindInt64(s, 10, e.OutputTokens);
            NativeMethods.BindInt64(s, 11, rating.RevenueMicros);
            NativeMethods.BindInt64(s, 12, rating.ComputeCostMicros);
            NativeMethods.BindInt64(s, 13, now);
            Step(s);
            return NativeMethods.Changes(_dbHandle) > 0;
        }

        public void UpsertHourly(long hour, string region, string industry, int model, int package, int pool, Sum sum)
        {
            var s = _hourlyHandle;
            NativeMethods.BindInt64(s, 1, hour);
            NativeMethods.BindText(s, 2, region);
            NativeMethods.BindText(s, 3, industry);
            NativeMethods.BindInt64(s, 4, model);
            NativeMethods.BindInt64(s, 5, package);
            NativeMethods.BindInt64(s, 6, pool);
            NativeMethods.BindInt64(s, 7, sum.Input);
            NativeMethods.BindInt64(s, 8, sum.Output);
            NativeMethods.BindInt64(s, 9, sum.Calls);
            NativeMethods.BindInt64(s, 10, sum.Revenue);
            NativeMethods.BindInt64(s, 11, sum.Cost);
            Step(s);
        }

        public void UpsertCell(long day, string region, string industry, Sum sum)
        {
            var s = _cellHandle;
            NativeMethods.BindInt64(s, 1, day);
            NativeMethods.BindText(s, 2, region);
            NativeMethods.BindText(s, 3, industry);
            BindTotals(s, sum);
            Step(s);
        }

        public void UpsertCustomer(long day, int customer, int model, Sum sum)
        {
            var s = _customerHandle;
            NativeMethods.BindInt64(s, 1, day);
            NativeMethods.BindInt64(s, 2, customer);
            NativeMethods.BindInt64(s, 3, model);
            BindTotals(s, sum);
            Step(s);
        }

        public void Dispose()
        {
            _insert.Dispose();
            _hourly.Dispose();
            _cell.Dispose();
            _customer.Dispose();
        }

        private static void BindTotals(nint s, Sum sum)
        {
            NativeMethods.BindInt64(s, 4, sum.Input + sum.Output);
            NativeMethods.BindInt64(s, 5, sum.Calls);
            NativeMethods.BindInt64(s, 6, sum.Revenue);
            NativeMethods.BindInt64(s, 7, sum.Cost);
        }

        private sqlite3_stmt Prepare(string sql)
        {
            var rc = raw.sqlite3_prepare_v2(_db, sql, out var statement);
            SqliteException.ThrowExceptionForRC(rc, _db);
            return statement;
        }

        /// <summary>Runs a statement that returns no rows; an error becomes the <see cref="SqliteException"/> Microsoft.Data.Sqlite would throw.</summary>
        private void Step(nint statement)
        {
            var rc = NativeMethods.Step(statement);
            NativeMethods.Reset(statement);
            if (rc != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(rc, _db);
            }
        }
    }

    /// <summary>The rollups of one transaction's new events, summed in memory and written once per key.</summary>
    private sealed class Aggregates
    {
        private readonly Dictionary<(long Hour, string Region, string Industry, int Model, int Package, int Pool), Sum> _hourly = [];
        private readonly Dictionary<(long Day, string Region, string Industry), Sum> _cells = [];
        private readonly Dictionary<(long Day, int Customer, int Model), Sum> _customers = [];

        public void Add(in ValidUsageEvent e, in Rating rating)
        {
            var utc = e.Timestamp.UtcDateTime;
            var hour = utc.Ticks - utc.Ticks % TimeSpan.TicksPerHour;
            var day = BusinessCalendar.DayStartUtc(utc).Ticks;
            Get(_hourly, (hour, e.RegionCode, e.IndustryCode, e.ModelId, e.PackageId, e.PoolId)).Add(e, rating);
            Get(_cells, (day, e.RegionCode, e.IndustryCode)).Add(e, rating);
            Get(_customers, (day, e.CustomerId, e.ModelId)).Add(e, rating);
        }

        public void Clear()
        {
            _hourly.Clear();
            _cells.Clear();
            _customers.Clear();
        }

        public void Upsert(Statements statements)
        {
            foreach (var ((hour, region, industry, model, package, pool), s) in _hourly)
            {
                statements.UpsertHourly(hour, region, industry, model, package, pool, s);
            }
            foreach (var ((day, region, industry), s) in _cells)
            {
                statements.UpsertCell(day, region, industry, s);
            }
            foreach (var ((day, customer, model), s) in _customers)
            {
                statements.UpsertCustomer(day, customer, model, s);
            }
        }

        private static Sum Get<TKey>(Dictionary<TKey, Sum> map, TKey key) where TKey : notnull
        {
            if (!map.TryGetValue(key, out var sum))
            {
                map[key] = sum = new Sum();
            }
            return sum;
        }
    }

    private sealed class Sum
    {
        public long Input, Output, Calls;
        /// <summary>Micro-yuan: integer sums, exact.</summary>
        public long Revenue, Cost;

        public void Add(in ValidUsageEvent e, in Rating rating)
        {
            Input += e.InputTokens;
            Output += e.OutputTokens;
            Calls++;
            Revenue += rating.RevenueMicros;
            Cost += rating.ComputeCostMicros;
        }
    }
}
