using System.Data.Common;
using Npgsql;
using NpgsqlTypes;
using TokenConsole.Data;
using TokenConsole.Features.Pricing;

namespace TokenConsole.Features.Usage.Ingestion;

public sealed partial class UsageWriter
{
    /// <summary>
    /// The writer's statements on PostgreSQL (issue 15): set-based where SQLite's are per row, because each statement is a
    /// round trip to the server. Per transaction: one query finds which of the batch's events are stored already
    /// (<see cref="Prefetch"/>, by the primary key ("Hour", "EventId") of the partitioned table, see
    /// <see cref="PostgresUsageEventTables"/>); the new events and the rollup sums are buffered and written at
    /// <see cref="Complete"/> — the events by COPY straight into their partitions, the sums by one
    /// <c>INSERT … SELECT * FROM unnest(arrays) ON CONFLICT DO UPDATE</c> per rollup table (each key once per
    /// transaction: the <see cref="Aggregates"/> sum them first) — and the buckets' draws by one UPDATE from arrays.
    /// <para>
    /// Several instances on one database take turns (<see cref="TakeTurn"/>): a transaction-scoped advisory lock first in
    /// every transaction, so one writer's transaction runs at a time. That keeps exactly once across instances (the
    /// duplicate probe runs after the other's commit and sees its events; the primary key would refuse a copy anyway)
    /// and keeps the pricing right: what a bucket still holds and a customer's tokens this month are in each writer's
    /// memory, and a writer reloads them when the turn counter shows another wrote in between. Ingestion on several
    /// instances is so as fast as one writer, not faster: more throughput than one writer's is the next step in the
    /// README's scale-out path (customers routed to instances, each the only writer of its customers' buckets).
    /// </para>
    /// </summary>
    private sealed class PostgresStatements(NpgsqlConnection connection) : IStatements
    {
        private static readonly string[] EventColumns =
            ["Hour", "EventId", "Timestamp", "CustomerId", "PackageId", "ModelId", "PoolId", "RegionCode", "IndustryCode", "InputTokens", "OutputTokens", "RevenueMicros", "ComputeCostMicros", "IngestedAt"];

        private static readonly string[] TotalColumns = ["Tokens", "Calls", "RevenueMicros", "ComputeCostMicros"];

        private readonly HashSet<(long Hour, string EventId)> _stored = [];
        private readonly HashSet<(long Hour, string EventId)> _written = [];
        private readonly HashSet<int> _days = [];
        private readonly List<long> _usedBuckets = [];
        private readonly List<long> _usedMillionths = [];
        private DbTransaction? _transaction;
        private long _lastTurn = -1;

        /// <summary>The advisory lock of the writers' turn ("TCUsag" in ASCII); advisory locks are per database.</summary>
        public const long WriterLockKey = 0x5443_5573_6167;

        /// <summary>Made by the PostgreSQL migration that brought several instances (issue 15).</summary>
        public const string TurnSequence = "UsageWriterTurns";
        private RowWriter? _events, _hourly, _cell, _cellHour, _cellMonth, _packageModel, _customer, _customerMonth, _ruleEffect;

        public void Begin(DbTransaction transaction)
        {
            _transaction = transaction;
            _stored.Clear();
            _written.Clear();
            // A partition made in a transaction that rolled back is gone: each transaction makes sure of its days again.
            _days.Clear();
            _usedBuckets.Clear();
            _usedMillionths.Clear();
            _events = RowWriter.Open(connection, UsageEventTables.View, EventColumns);
            _hourly = Upsert("UsageRollups", ["Hour", "RegionCode", "IndustryCode", "ModelId", "PackageId", "PoolId"], ["InputTokens", "OutputTokens", "Calls", "RevenueMicros", "ComputeCostMicros"]);
            _cell = Upsert("RegionIndustryDaily", ["Day", "RegionCode", "IndustryCode"], TotalColumns);
            _cellHour = Upsert("RegionIndustryHourly", ["Hour", "RegionCode", "IndustryCode"], TotalColumns);
            _cellMonth = Upsert("RegionIndustryMonthly", ["Month", "RegionCode", "IndustryCode"], TotalColumns);
            _packageModel = Upsert("PackageModelDaily", ["Day", "PackageId", "ModelId"], TotalColumns);
            _customer = Upsert("CustomerDailyUsage", ["Day", "CustomerId", "ModelId"], [.. TotalColumns, "BucketTokens", "OverageTokens", "BaseRevenueMicros", "LeakageTokens"]);
            _customerMonth = Upsert("CustomerMonthly", ["Month", "CustomerId"], ["Tokens", "RevenueMicros", "ComputeCostMicros"]);
            _ruleEffect = Upsert("CustomerDailyRuleEffect", ["Day", "CustomerId", "ModelId", "RuleSetVersion", "RuleOrdinal"], ["EffectMicros", "Tokens"]);
        }

        /// <summary>
        /// The advisory lock (released at commit or rollback) and the next number of the writers' turn sequence: the
        /// number after this writer's last means nobody wrote in between. The first turn after start counts as
        /// interrupted (the ledger was loaded outside the lock). A number another writer took in a transaction that
        /// rolled back makes this one reload for nothing, never miss a reload.
        /// </summary>
        public bool TakeTurn()
        {
            // Materialized, so the lock is taken before the number: the numbers follow the order of the turns.
            using var command = new NpgsqlCommand(
                $"WITH turn AS MATERIALIZED (SELECT pg_advisory_xact_lock({WriterLockKey})) SELECT nextval('\"{TurnSequence}\"') FROM turn",
                connection, (NpgsqlTransaction?)_transaction);
            var turn = (long)command.ExecuteScalar()!;
            var interrupted = turn != _lastTurn + 1;
            _lastTurn = turn;
            return interrupted;
        }

        /// <summary>
        /// The batch's events that are stored already, in one query over the key (hour, id) of each: a probe of the
        /// primary key per event (the LATERAL … LIMIT 1 keeps the planner to that; as a join it merged the batch with the
        /// whole of today's partition, a cost that grew with every batch — 54 % of the writer's time in 500,000 events).
        /// </summary>
        public void Prefetch(List<WriteRequest> batch)
        {
            var count = batch.Sum(r => r.Events.Count);
            var hours = new long[count];
            var ids = new string[count];
            var i = 0;
            foreach (var request in batch)
            {
                foreach (ref readonly var e in request.Events.AsSpan())
                {
                    hours[i] = PostgresUsageEventTables.HourOf(e.Timestamp.UtcTicks);
                    ids[i++] = e.EventId;
                }
            }
            using var command = new NpgsqlCommand($"""
                SELECT k."Hour", k."EventId" FROM unnest(@hours, @ids) AS k("Hour", "EventId")
                CROSS JOIN LATERAL (SELECT 1 FROM "{UsageEventTables.View}" e WHERE e."Hour" = k."Hour" AND e."EventId" = k."EventId" LIMIT 1) AS stored
                """, connection, (NpgsqlTransaction?)_transaction);
            command.Parameters.Add(new NpgsqlParameter("hours", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = hours });
            command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Varchar) { Value = ids });
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                _stored.Add((reader.GetInt64(0), reader.GetString(1)));
            }
        }

        public bool Insert(in ValidUsageEvent e, in Rating rating, long now)
        {
            var key = (PostgresUsageEventTables.HourOf(e.Timestamp.UtcTicks), e.EventId);
            if (_stored.Contains(key) || !_written.Add(key))
            {
                return false;
            }
            var day = UsageEventTables.DayOf(e.Timestamp.UtcTicks);
            if (_days.Add(day))
            {
                PostgresUsageEventTables.EnsureDay(connection, _transaction, day);
            }
            _events!.Add(key.Item1).Add(e.EventId).Add(e.Timestamp.UtcTicks).Add(e.CustomerId).Add(e.PackageId).Add(e.ModelId).Add(e.PoolId)
                .Add(e.RegionCode).Add(e.IndustryCode).Add(e.InputTokens).Add(e.OutputTokens).Add(rating.RevenueMicros).Add(rating.ComputeCostMicros).Add(now).Insert();
            return true;
        }

        public SortedSet<int> StoredDays() => PostgresUsageEventTables.Days(connection, null);

        public void DropDay(int day)
        {
            _days.Remove(day);
            using var transaction = connection.BeginTransaction();
            PostgresUsageEventTables.DropDay(connection, transaction, day);
            transaction.Commit();
        }

        public void UpsertHourly(long hour, string region, string industry, int model, int package, int pool, Sum sum) =>
            _hourly!.Add(hour).Add(region).Add(industry).Add(model).Add(package).Add(pool).Add(sum.Input).Add(sum.Output).Add(sum.Calls).Add(sum.Revenue).Add(sum.Cost).Insert();

        public void UpsertCell(long day, string region, string industry, Sum sum) => Totals(_cell!.Add(day).Add(region).Add(industry), sum).Insert();

        public void UpsertCellHour(long hour, string region, string industry, Sum sum) => Totals(_cellHour!.Add(hour).Add(region).Add(industry), sum).Insert();

        public void UpsertCellMonth(long month, string region, string industry, Sum sum) => Totals(_cellMonth!.Add(month).Add(region).Add(industry), sum).Insert();

        public void UpsertPackageModel(long day, int package, int model, Sum sum) => Totals(_packageModel!.Add(day).Add(package).Add(model), sum).Insert();

        public void UpsertCustomer(long day, int customer, int model, Sum sum) =>
            // Billable tokens as the columns store them: millionths (TokenConsoleDbContext.MillionthsConverter).
            Totals(_customer!.Add(day).Add(customer).Add(model), sum)
                .Add(TokenConsoleDbContext.MillionthsConverter.ToMillionths(sum.BucketTokens)).Add(TokenConsoleDbContext.MillionthsConverter.ToMillionths(sum.OverageTokens))
                .Add(sum.BaseRevenue).Add(TokenConsoleDbContext.MillionthsConverter.ToMillionths(sum.LeakageTokens)).Insert();

        public void UpsertCustomerMonth(long month, int customer, Sum sum) =>
            _customerMonth!.Add(month).Add(customer).Add(sum.Input + sum.Output).Add(sum.Revenue).Add(sum.Cost).Insert();

        public void UpsertRuleEffect(long day, int customer, int model, int version, int ordinal, RuleSum sum) =>
            _ruleEffect!.Add(day).Add(customer).Add(model).Add(version).Add(ordinal).Add(sum.Micros).Add(TokenConsoleDbContext.MillionthsConverter.ToMillionths(sum.Tokens)).Insert();

        public void AddUsed(long bucketId, long millionths)
        {
            _usedBuckets.Add(bucketId);
            _usedMillionths.Add(millionths);
        }

        public void Complete()
        {
            foreach (var writer in new[] { _events, _hourly, _cell, _cellHour, _cellMonth, _packageModel, _customer, _customerMonth, _ruleEffect })
            {
                writer!.Complete();
                writer.Dispose();
            }

            if (_usedBuckets.Count > 0)
            {
                using var command = new NpgsqlCommand("""
                    UPDATE "AllowanceBuckets" b SET "Used" = b."Used" + u.millionths FROM unnest(@ids, @millionths) AS u(id, millionths) WHERE b."Id" = u.id
                    """, connection, (NpgsqlTransaction?)_transaction);
                command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = _usedBuckets.ToArray() });
                command.Parameters.Add(new NpgsqlParameter("millionths", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = _usedMillionths.ToArray() });
                command.ExecuteNonQuery();
            }
        }

        public void Dispose()
        {
        }

        private static RowWriter Totals(RowWriter writer, Sum sum) => writer.Add(sum.Input + sum.Output).Add(sum.Calls).Add(sum.Revenue).Add(sum.Cost);

        /// <summary>A bulk upsert that adds each of <paramref name="sums"/> to what the key holds.</summary>
        private RowWriter Upsert(string table, string[] key, string[] sums) =>
            RowWriter.Open(connection, table, [.. key, .. sums],
                $"ON CONFLICT ({string.Join(", ", key.Select(k => $"\"{k}\""))}) DO UPDATE SET "
                + string.Join(", ", sums.Select(c => $"\"{c}\" = \"{table}\".\"{c}\" + excluded.\"{c}\"")));
    }
}
