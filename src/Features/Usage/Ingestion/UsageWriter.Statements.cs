using System.Runtime.InteropServices;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using TokenConsole.Data;
using TokenConsole.Features.Pricing;

namespace TokenConsole.Features.Usage.Ingestion;

public sealed partial class UsageWriter
{
    /// <summary>The writer's six statements; one implementation per way of calling SQLite, chosen once when the writer starts.</summary>
    private interface IStatements : IDisposable
    {
        /// <summary>The transaction the next statements run in: a day's table is created in it when its first event comes.</summary>
        void Begin(DbTransaction transaction);

        /// <summary>
        /// First in the transaction: waits while another instance's writer is in a transaction on this database, and says
        /// whether one wrote since this writer's last transaction (what this one holds in memory is then out of date).
        /// </summary>
        bool TakeTurn();

        /// <summary>Before the batch's events are inserted one by one: a store that checks for duplicates in bulk does it here.</summary>
        void Prefetch(List<WriteRequest> batch);

        /// <summary>After the last row of the transaction, before its commit: a store that buffers rows writes them here.</summary>
        void Complete();

        /// <summary>Inserts one event into its day's table; false when the day already has it (a duplicate, see <see cref="UsageEventTables"/>).</summary>
        bool Insert(in ValidUsageEvent e, in Rating rating, long now);

        /// <summary>The days whose raw events are stored (a table or a partition each).</summary>
        SortedSet<int> StoredDays();

        /// <summary>Drops a day's raw events whole, in a transaction of its own between the writer's (retention).</summary>
        void DropDay(int day);

        void UpsertHourly(long hour, string region, string industry, int model, int package, int pool, Sum sum);

        void UpsertCell(long day, string region, string industry, Sum sum);

        void UpsertPackageModel(long day, int package, int model, Sum sum);

        void UpsertCellMonth(long month, string region, string industry, Sum sum);

        void UpsertCellHour(long hour, string region, string industry, Sum sum);

        void UpsertCustomer(long day, int customer, int model, Sum sum);

        void UpsertCustomerMonth(long month, int customer, Sum sum);

        void UpsertRuleEffect(long day, int customer, int model, int version, int ordinal, RuleSum sum);

        /// <summary>Adds <paramref name="millionths"/> billable tokens to a bucket's <c>Used</c> (<see cref="BucketLedger.Flush"/>).</summary>
        void AddUsed(long bucketId, long millionths);
    }

    /// <summary>Opens the statements on the path <c>Ingestion:NativeBinding</c> chose (checked at start-up, see <see cref="NativeSqliteCheck"/>).</summary>
    private static IStatements OpenStatements(DbConnection connection, bool nativeBinding) => connection switch
    {
        Npgsql.NpgsqlConnection postgres => new PostgresStatements(postgres),
        SqliteConnection sqlite when nativeBinding => new Statements<NativeCalls>(sqlite),
        SqliteConnection sqlite => new Statements<SqlitePclCalls>(sqlite),
        _ => throw new NotSupportedException($"No usage writer statements for a {connection.GetType().Name}."),
    };

    /// <summary>A prepared statement: SQLitePCL's safe handle and, for the native path, its raw pointer.</summary>
    private readonly record struct Prepared(sqlite3_stmt Handle, nint Raw);

    /// <summary>A day table's statements: the insert of an event and the probe for when its key is taken.</summary>
    private readonly record struct DayStatements(Prepared Insert, Prepared Probe);

    /// <summary>A connection: SQLitePCL's safe handle and its raw pointer.</summary>
    private readonly record struct Connection(sqlite3 Handle, nint Raw);

    /// <summary>
    /// The per-row calls into SQLite. Static members on structs: <see cref="Statements{TCalls}"/> is compiled once per
    /// implementation, so each bind is a direct (inlinable) call, never a virtual one; only the four statement methods
    /// are reached through <see cref="IStatements"/>.
    /// </summary>
    private interface ISqliteCalls
    {
        static abstract void BindInt64(Prepared s, int index, long value);

        static abstract void BindText(Prepared s, int index, string value);

        static abstract int Step(Prepared s);

        static abstract void Reset(Prepared s);

        static abstract int Changes(Connection db);
    }

    /// <summary>SQLite's C functions called directly on the raw pointers (<see cref="NativeMethods"/>): the fast path.</summary>
    private readonly struct NativeCalls : ISqliteCalls
    {
        public static void BindInt64(Prepared s, int index, long value) => NativeMethods.BindInt64(s.Raw, index, value);

        public static void BindText(Prepared s, int index, string value) => NativeMethods.BindText(s.Raw, index, value);

        public static int Step(Prepared s) => NativeMethods.Step(s.Raw);

        public static void Reset(Prepared s) => NativeMethods.Reset(s.Raw);

        public static int Changes(Connection db) => NativeMethods.Changes(db.Raw);
    }

    /// <summary>
    /// The same calls through SQLitePCL's <c>raw</c> API on its safe handles, as the writer did before the native path
    /// (<c>Ingestion:NativeBinding=false</c>): slower, but it depends on nothing but the provider SQLitePCL chose.
    /// </summary>
    private readonly struct SqlitePclCalls : ISqliteCalls
    {
        public static void BindInt64(Prepared s, int index, long value) => _ = raw.sqlite3_bind_int64(s.Handle, index, value);

        public static void BindText(Prepared s, int index, string value) => _ = raw.sqlite3_bind_text16(s.Handle, index, value.AsSpan());

        public static int Step(Prepared s) => raw.sqlite3_step(s.Handle);

        public static void Reset(Prepared s) => _ = raw.sqlite3_reset(s.Handle);

        public static int Changes(Connection db) => raw.sqlite3_changes(db.Handle);
    }

    /// <summary>
    /// The SQL of the writer, prepared once for the writer's connection (through SQLitePCL, under Microsoft.Data.Sqlite)
    /// and executed per row through <typeparamref name="TCalls"/>. Microsoft.Data.Sqlite's <c>ExecuteNonQuery</c> boxes
    /// each parameter, looks each one up by name and makes a data reader per execution: with 13 parameters that cost
    /// about 3× the insert itself, paid per event on the single writer thread (issue 5: 14–23 µs against 5–9 µs per
    /// event). Text is bound as UTF-16: SQLite converts it to UTF-8 in C, where SQLitePCL's string overload allocated a
    /// UTF-8 copy of each value in .NET (12 % of the writer's time in a profile).
    /// </summary>
    private sealed class Statements<TCalls> : IStatements where TCalls : struct, ISqliteCalls
    {
        private readonly SqliteConnection _connection;
        private readonly Connection _db;
        // One INSERT and its probe per day's table, prepared when the writer first meets the day; events mostly come for
        // today, so the last ones used are kept at hand.
        private readonly Dictionary<int, DayStatements> _days = [];
        private SqliteTransaction? _transaction;
        private int _lastDay = -1;
        private DayStatements _lastDayStatements;
        private readonly Prepared _hourly;
        private readonly Prepared _cell;
        private readonly Prepared _packageModel;
        private readonly Prepared _cellMonth;
        private readonly Prepared _cellHour;
        private readonly Prepared _customer;
        private readonly Prepared _customerMonth;
        private readonly Prepared _used;
        private readonly Prepared _ruleEffect;

        public Statements(SqliteConnection connection)
        {
            var db = connection.Handle ?? throw new InvalidOperationException("The writer's connection is not open.");
            _connection = connection;
            _db = new Connection(db, AddRef(db));
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
                ON CONFLICT (Day, RegionCode, IndustryCode) DO UPDATE SET
                    Tokens = Tokens + excluded.Tokens, Calls = Calls + excluded.Calls,
                    RevenueMicros = RevenueMicros + excluded.RevenueMicros, ComputeCostMicros = ComputeCostMicros + excluded.ComputeCostMicros
                """);
            _cellHour = Prepare("""
                INSERT INTO RegionIndustryHourly (Hour, RegionCode, IndustryCode, Tokens, Calls, RevenueMicros, ComputeCostMicros)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                ON CONFLICT (Hour, RegionCode, IndustryCode) DO UPDATE SET
                    Tokens = Tokens + excluded.Tokens, Calls = Calls + excluded.Calls,
                    RevenueMicros = RevenueMicros + excluded.RevenueMicros, ComputeCostMicros = ComputeCostMicros + excluded.ComputeCostMicros
                """);
            _cellMonth = Prepare("""
                INSERT INTO RegionIndustryMonthly (Month, RegionCode, IndustryCode, Tokens, Calls, RevenueMicros, ComputeCostMicros)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                ON CONFLICT (Month, RegionCode, IndustryCode) DO UPDATE SET
                    Tokens = Tokens + excluded.Tokens, Calls = Calls + excluded.Calls,
                    RevenueMicros = RevenueMicros + excluded.RevenueMicros, ComputeCostMicros = ComputeCostMicros + excluded.ComputeCostMicros
                """);
            _packageModel = Prepare("""
                INSERT INTO PackageModelDaily (Day, PackageId, ModelId, Tokens, Calls, RevenueMicros, ComputeCostMicros)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                ON CONFLICT (Day, PackageId, ModelId) DO UPDATE SET
                    Tokens = Tokens + excluded.Tokens, Calls = Calls + excluded.Calls,
                    RevenueMicros = RevenueMicros + excluded.RevenueMicros, ComputeCostMicros = ComputeCostMicros + excluded.ComputeCostMicros
                """);
            _customer = Prepare("""
                INSERT INTO CustomerDailyUsage (Day, CustomerId, ModelId, Tokens, Calls, RevenueMicros, ComputeCostMicros, BucketTokens, OverageTokens, BaseRevenueMicros, LeakageTokens)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                ON CONFLICT (Day, CustomerId, ModelId) DO UPDATE SET
                    Tokens = Tokens + excluded.Tokens, Calls = Calls + excluded.Calls,
                    RevenueMicros = RevenueMicros + excluded.RevenueMicros, ComputeCostMicros = ComputeCostMicros + excluded.ComputeCostMicros,
                    BucketTokens = BucketTokens + excluded.BucketTokens, OverageTokens = OverageTokens + excluded.OverageTokens,
                    BaseRevenueMicros = BaseRevenueMicros + excluded.BaseRevenueMicros, LeakageTokens = LeakageTokens + excluded.LeakageTokens
                """);
            _customerMonth = Prepare("""
                INSERT INTO CustomerMonthly (Month, CustomerId, Tokens, RevenueMicros, ComputeCostMicros)
                VALUES (?1, ?2, ?3, ?4, ?5)
                ON CONFLICT (Month, CustomerId) DO UPDATE SET
                    Tokens = Tokens + excluded.Tokens, RevenueMicros = RevenueMicros + excluded.RevenueMicros, ComputeCostMicros = ComputeCostMicros + excluded.ComputeCostMicros
                """);
            // One per bucket drawn on per transaction (about one per active subscription): through Microsoft.Data.Sqlite's
            // ExecuteNonQuery it cost about 7 µs each on the writer thread, as much as an event's insert.
            _used = Prepare("UPDATE AllowanceBuckets SET Used = Used + ?1 WHERE Id = ?2");
            _ruleEffect = Prepare("""
                INSERT INTO CustomerDailyRuleEffect (Day, CustomerId, ModelId, RuleSetVersion, RuleOrdinal, EffectMicros, Tokens)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                ON CONFLICT (Day, CustomerId, ModelId, RuleSetVersion, RuleOrdinal) DO UPDATE SET
                    EffectMicros = EffectMicros + excluded.EffectMicros, Tokens = Tokens + excluded.Tokens
                """);
        }

        public void Begin(DbTransaction transaction) => _transaction = (SqliteTransaction)transaction;

        /// <summary>One process owns a SQLite file, and its write lock admits one transaction at a time: no other writer.</summary>
        public bool TakeTurn() => false;

        // Each insert is its own duplicate check, and each row is written when it is stepped.
        public void Prefetch(List<WriteRequest> batch)
        {
        }

        public void Complete()
        {
        }

        public bool Insert(in ValidUsageEvent e, in Rating rating, long now)
        {
            var day = StatementsFor(UsageEventTables.DayOf(e.Timestamp.UtcTicks));
            var s = day.Insert;
            var hash = UsageEventTables.IdHash(e.EventId);
            TCalls.BindText(s, 1, e.EventId);
            TCalls.BindInt64(s, 2, e.Timestamp.UtcTicks);
            TCalls.BindInt64(s, 3, e.CustomerId);
            TCalls.BindInt64(s, 4, e.PackageId);
            TCalls.BindInt64(s, 5, e.ModelId);
            TCalls.BindInt64(s, 6, e.PoolId);
            TCalls.BindText(s, 7, e.RegionCode);
            TCalls.BindText(s, 8, e.IndustryCode);
            TCalls.BindInt64(s, 9, e.InputTokens);
            TCalls.BindInt64(s, 10, e.OutputTokens);
            TCalls.BindInt64(s, 11, rating.RevenueMicros);
            TCalls.BindInt64(s, 12, rating.ComputeCostMicros);
            TCalls.BindInt64(s, 13, now);
            TCalls.BindInt64(s, 14, hash);
            TCalls.BindInt64(s, 15, 0);
            Step(s);
            return TCalls.Changes(_db) > 0 || InsertIfNotStored(day, e.EventId, e.Timestamp.UtcTicks, hash);
        }

        public void UpsertHourly(long hour, string region, string industry, int model, int package, int pool, Sum sum)
        {
            var s = _hourly;
            TCalls.BindInt64(s, 1, hour);
            TCalls.BindText(s, 2, region);
            TCalls.BindText(s, 3, industry);
            TCalls.BindInt64(s, 4, model);
            TCalls.BindInt64(s, 5, package);
            TCalls.BindInt64(s, 6, pool);
            TCalls.BindInt64(s, 7, sum.Input);
            TCalls.BindInt64(s, 8, sum.Output);
            TCalls.BindInt64(s, 9, sum.Calls);
            TCalls.BindInt64(s, 10, sum.Revenue);
            TCalls.BindInt64(s, 11, sum.Cost);
            Step(s);
        }

        public void UpsertCell(long day, string region, string industry, Sum sum)
        {
            var s = _cell;
            TCalls.BindInt64(s, 1, day);
            TCalls.BindText(s, 2, region);
            TCalls.BindText(s, 3, industry);
            BindTotals(s, sum);
            Step(s);
        }

        public void UpsertCellHour(long hour, string region, string industry, Sum sum)
        {
            var s = _cellHour;
            TCalls.BindInt64(s, 1, hour);
            TCalls.BindText(s, 2, region);
            TCalls.BindText(s, 3, industry);
            BindTotals(s, sum);
            Step(s);
        }

        public void UpsertCellMonth(long month, string region, string industry, Sum sum)
        {
            var s = _cellMonth;
            TCalls.BindInt64(s, 1, month);
            TCalls.BindText(s, 2, region);
            TCalls.BindText(s, 3, industry);
            BindTotals(s, sum);
            Step(s);
        }

        public void UpsertPackageModel(long day, int package, int model, Sum sum)
        {
            var s = _packageModel;
            TCalls.BindInt64(s, 1, day);
            TCalls.BindInt64(s, 2, package);
            TCalls.BindInt64(s, 3, model);
            BindTotals(s, sum);
            Step(s);
        }

        public void UpsertCustomer(long day, int customer, int model, Sum sum)
        {
            var s = _customer;
            TCalls.BindInt64(s, 1, day);
            TCalls.BindInt64(s, 2, customer);
            TCalls.BindInt64(s, 3, model);
            BindTotals(s, sum);
            // Billable tokens as the column stores them: millionths (TokenConsoleDbContext.MillionthsConverter).
            TCalls.BindInt64(s, 8, TokenConsoleDbContext.MillionthsConverter.ToMillionths(sum.BucketTokens));
            TCalls.BindInt64(s, 9, TokenConsoleDbContext.MillionthsConverter.ToMillionths(sum.OverageTokens));
            TCalls.BindInt64(s, 10, sum.BaseRevenue);
            TCalls.BindInt64(s, 11, TokenConsoleDbContext.MillionthsConverter.ToMillionths(sum.LeakageTokens));
            Step(s);
        }

        public void UpsertCustomerMonth(long month, int customer, Sum sum)
        {
            var s = _customerMonth;
            TCalls.BindInt64(s, 1, month);
            TCalls.BindInt64(s, 2, customer);
            TCalls.BindInt64(s, 3, sum.Input + sum.Output);
            TCalls.BindInt64(s, 4, sum.Revenue);
            TCalls.BindInt64(s, 5, sum.Cost);
            Step(s);
        }

        public void UpsertRuleEffect(long day, int customer, int model, int version, int ordinal, RuleSum sum)
        {
            var s = _ruleEffect;
            TCalls.BindInt64(s, 1, day);
            TCalls.BindInt64(s, 2, customer);
            TCalls.BindInt64(s, 3, model);
            TCalls.BindInt64(s, 4, version);
            TCalls.BindInt64(s, 5, ordinal);
            TCalls.BindInt64(s, 6, sum.Micros);
            TCalls.BindInt64(s, 7, TokenConsoleDbContext.MillionthsConverter.ToMillionths(sum.Tokens));
            Step(s);
        }

        public void AddUsed(long bucketId, long millionths)
        {
            var s = _used;
            TCalls.BindInt64(s, 1, millionths);
            TCalls.BindInt64(s, 2, bucketId);
            Step(s);
        }

        public SortedSet<int> StoredDays() => UsageEventTables.Days(_connection, null);

        public void DropDay(int day)
        {
            // The day's statements are finalized first: SQLite will not drop a table that a prepared statement still uses.
            if (_days.Remove(day, out var statements))
            {
                Finalize(statements.Insert);
                Finalize(statements.Probe);
            }
            _lastDay = -1;
            using var transaction = _connection.BeginTransaction(deferred: false);
            UsageEventTables.DropDay(_connection, transaction, day);
            transaction.Commit();
        }

        /// <summary>
        /// The event's key (hour, hash, salt 0) was taken, by a retry of it or, rarely, by another id with the same hash:
        /// the probe tells which (<see cref="UsageEventTables"/>). A duplicate is skipped; a collision is stored with the
        /// next salt, by the insert still bound to the event.
        /// </summary>
        private bool InsertIfNotStored(DayStatements day, string eventId, long utcTicks, long hash)
        {
            var probe = day.Probe;
            TCalls.BindInt64(probe, 1, utcTicks);
            TCalls.BindInt64(probe, 2, hash);
            TCalls.BindText(probe, 3, eventId);
            var rc = TCalls.Step(probe);
            var (maxSalt, stored) = rc == raw.SQLITE_ROW ? (raw.sqlite3_column_int64(probe.Handle, 0), raw.sqlite3_column_int64(probe.Handle, 1) != 0) : (0L, false);
            TCalls.Reset(probe);
            if (rc != raw.SQLITE_ROW)
            {
                SqliteException.ThrowExceptionForRC(rc, _db.Handle);
            }
            if (stored)
            {
                return false;
            }
            TCalls.BindInt64(day.Insert, 15, maxSalt + 1);
            Step(day.Insert);
            return TCalls.Changes(_db) > 0 ? true : throw new InvalidOperationException($"Event {eventId} collided with a stored hash and could not take salt {maxSalt + 1}.");
        }

        public void Dispose()
        {
            foreach (var s in (ReadOnlySpan<Prepared>)[.. _days.Values.Select(d => d.Insert), .. _days.Values.Select(d => d.Probe), _hourly, _cell, _cellHour, _cellMonth, _packageModel, _customer, _customerMonth, _used, _ruleEffect])
            {
                Finalize(s);
            }
            _db.Handle.DangerousRelease();
        }

        private static void Finalize(Prepared s)
        {
            s.Handle.DangerousRelease();
            s.Handle.Dispose();
        }

        /// <summary>The day's INSERT and probe; the first event of a day not seen before creates its table (and view) in this transaction.</summary>
        private DayStatements StatementsFor(int day)
        {
            if (day == _lastDay)
            {
                return _lastDayStatements;
            }
            if (!_days.TryGetValue(day, out var statements))
            {
                UsageEventTables.EnsureDay(_connection, _transaction, day);
                statements = new DayStatements(Prepare(UsageEventTables.InsertSql(day)), Prepare(UsageEventTables.ProbeSql(day)));
                _days[day] = statements;
            }
            _lastDay = day;
            _lastDayStatements = statements;
            return statements;
        }

        private static void BindTotals(Prepared s, Sum sum)
        {
            TCalls.BindInt64(s, 4, sum.Input + sum.Output);
            TCalls.BindInt64(s, 5, sum.Calls);
            TCalls.BindInt64(s, 6, sum.Revenue);
            TCalls.BindInt64(s, 7, sum.Cost);
        }

        /// <summary>
        /// A reference on the safe handle for as long as these statements live, so that its raw pointer cannot be closed
        /// under the native calls (by a dispose elsewhere, or the finalizer); released in <see cref="Dispose"/>.
        /// </summary>
        private static nint AddRef(SafeHandle handle)
        {
            var added = false;
            handle.DangerousAddRef(ref added);
            return handle.DangerousGetHandle();
        }

        private Prepared Prepare(string sql)
        {
            var rc = raw.sqlite3_prepare_v2(_db.Handle, sql, out var statement);
            SqliteException.ThrowExceptionForRC(rc, _db.Handle);
            return new Prepared(statement, AddRef(statement));
        }

        /// <summary>Runs a statement that returns no rows; an error becomes the <see cref="SqliteException"/> Microsoft.Data.Sqlite would throw.</summary>
        private void Step(Prepared statement)
        {
            var rc = TCalls.Step(statement);
            TCalls.Reset(statement);
            if (rc != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(rc, _db.Handle);
            }
        }
    }

    /// <summary>The rollups of one transaction's new events, summed in memory and written once per key.</summary>
    private sealed class Aggregates
    {
        private readonly Dictionary<(long Hour, string Region, string Industry, int Model, int Package, int Pool), Sum> _hourly = [];
        private readonly Dictionary<(long Day, string Region, string Industry), Sum> _cells = [];
        // Summed from the hourly keys when the transaction writes (a few hundred per day), not per event.
        private readonly Dictionary<(long Day, int Package, int Model), Sum> _packageModels = [];
        private readonly Dictionary<(long Month, string Region, string Industry), Sum> _cellMonths = [];
        private readonly Dictionary<(long Hour, string Region, string Industry), Sum> _cellHours = [];
        private readonly Dictionary<(long Day, int Customer, int Model), Sum> _customers = [];
        // Summed from the customer days when the transaction writes, as the package × model days from the hours.
        private readonly Dictionary<(long Month, int Customer), Sum> _customerMonths = [];
        private readonly Dictionary<(long Day, int Customer, int Model, int Version, int Ordinal), RuleSum> _ruleEffects = [];

        public void Add(in ValidUsageEvent e, in Rating rating)
        {
            var utc = e.Timestamp.UtcDateTime;
            var hour = utc.Ticks - utc.Ticks % TimeSpan.TicksPerHour;
            var day = BusinessCalendar.DayStartUtc(utc).Ticks;
            Get(_hourly, (hour, e.RegionCode, e.IndustryCode, e.ModelId, e.PackageId, e.PoolId)).Add(e, rating);
            Get(_cells, (day, e.RegionCode, e.IndustryCode)).Add(e, rating);
            var customer = Get(_customers, (day, e.CustomerId, e.ModelId));
            customer.Add(e, rating);
            customer.AddBuckets(rating);
        }

        /// <summary>The rules that fired on a new event, per rule (only events a rule fired on come here).</summary>
        public void AddRuleEffects(in ValidUsageEvent e, in Rating rating, ReadOnlySpan<RuleEffect> fired)
        {
            var day = BusinessCalendar.DayStartUtc(e.Timestamp.UtcDateTime).Ticks;
            foreach (ref readonly var f in fired)
            {
                ref var sum = ref CollectionsMarshal.GetValueRefOrAddDefault(_ruleEffects, (day, e.CustomerId, e.ModelId, rating.RuleSetVersion, f.Ordinal), out _);
                sum ??= new RuleSum();
                sum.Micros += f.Micros;
                sum.Tokens += rating.OverageTokens;
            }
        }

        public void Clear()
        {
            _ruleEffects.Clear();
            _hourly.Clear();
            _cells.Clear();
            _packageModels.Clear();
            _cellMonths.Clear();
            _cellHours.Clear();
            _customers.Clear();
            _customerMonths.Clear();
        }

        public void Upsert(IStatements statements)
        {
            foreach (var ((hour, region, industry, model, package, pool), s) in _hourly)
            {
                statements.UpsertHourly(hour, region, industry, model, package, pool, s);
                Get(_packageModels, (BusinessCalendar.DayStartUtc(new DateTime(hour, DateTimeKind.Utc)).Ticks, package, model)).Add(s);
                Get(_cellHours, (hour, region, industry)).Add(s);
            }
            foreach (var ((hour, region, industry), s) in _cellHours)
            {
                statements.UpsertCellHour(hour, region, industry, s);
            }
            foreach (var ((day, package, model), s) in _packageModels)
            {
                statements.UpsertPackageModel(day, package, model, s);
            }
            foreach (var ((day, region, industry), s) in _cells)
            {
                statements.UpsertCell(day, region, industry, s);
                Get(_cellMonths, (BusinessCalendar.MonthStartUtc(new DateTime(day, DateTimeKind.Utc)).Ticks, region, industry)).Add(s);
            }
            foreach (var ((month, region, industry), s) in _cellMonths)
            {
                statements.UpsertCellMonth(month, region, industry, s);
            }
            foreach (var ((day, customer, model), s) in _customers)
            {
                statements.UpsertCustomer(day, customer, model, s);
                Get(_customerMonths, (BusinessCalendar.MonthStartUtc(new DateTime(day, DateTimeKind.Utc)).Ticks, customer)).Add(s);
            }
            foreach (var ((month, customer), s) in _customerMonths)
            {
                statements.UpsertCustomerMonth(month, customer, s);
            }
            foreach (var ((day, customer, model, version, ordinal), s) in _ruleEffects)
            {
                statements.UpsertRuleEffect(day, customer, model, version, ordinal, s);
            }
        }

        private static Sum Get<TKey>(Dictionary<TKey, Sum> map, TKey key) where TKey : notnull
        {
            // One hash of the key (its strings) per event, not two when the key is new.
            ref var sum = ref CollectionsMarshal.GetValueRefOrAddDefault(map, key, out _);
            return sum ??= new Sum();
        }
    }

    /// <summary>One rule's effect on a customer's usage of a model on a day, in this transaction.</summary>
    private sealed class RuleSum
    {
        public long Micros;
        public decimal Tokens;
    }

    private sealed class Sum
    {
        public long Input, Output, Calls;
        /// <summary>Micro-yuan: integer sums, exact.</summary>
        public long Revenue, Cost, BaseRevenue;
        /// <summary>Billable tokens, summed for the per-customer rollup only.</summary>
        public decimal BucketTokens, OverageTokens, LeakageTokens;

        public void AddBuckets(in Rating rating)
        {
            BaseRevenue += rating.BaseRevenueMicros;
            BucketTokens += rating.BucketTokens;
            OverageTokens += rating.OverageTokens;
            LeakageTokens += rating.LeakageTokens;
        }

        /// <summary>Adds another key's usage sums (not its bucket figures).</summary>
        public void Add(Sum other)
        {
            Input += other.Input;
            Output += other.Output;
            Calls += other.Calls;
            Revenue += other.Revenue;
            Cost += other.Cost;
        }

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
