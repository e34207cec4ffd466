using Microsoft.Data.Sqlite;
using TokenConsole.Data;
using TokenConsole.Features.Pricing;

namespace TokenConsole.Features.Usage.Ingestion;

public sealed partial class UsageWriter
{
    /// <summary>The SQL of the writer: prepared once per transaction, executed per row.</summary>
    private static class Statements
    {
        public static SqliteCommand InsertEvent(SqliteConnection connection, SqliteTransaction transaction) => Prepare(connection, transaction, """
            INSERT INTO UsageEvents (EventId, Timestamp, CustomerId, PackageId, ModelId, PoolId, RegionCode, IndustryCode, InputTokens, OutputTokens, Revenue, ComputeCost, IngestedAt)
            VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8, $p9, $p10, $p11, $p12)
            ON CONFLICT (EventId) DO NOTHING
            """, 13);

        /// <summary>Inserts one event; 0 when its id is already stored (a duplicate).</summary>
        public static int Insert(SqliteCommand command, in ValidUsageEvent e, in Rating rating, DateTimeOffset now)
        {
            var p = command.Parameters;
            p[0].Value = e.EventId;
            p[1].Value = e.Timestamp.UtcTicks;
            p[2].Value = e.CustomerId;
            p[3].Value = e.PackageId;
            p[4].Value = e.ModelId;
            p[5].Value = e.PoolId;
            p[6].Value = e.RegionCode;
            p[7].Value = e.IndustryCode;
            p[8].Value = e.InputTokens;
            p[9].Value = e.OutputTokens;
            p[10].Value = rating.Revenue;
            p[11].Value = rating.ComputeCost;
            p[12].Value = now.UtcTicks;
            return command.ExecuteNonQuery();
        }

        public static SqliteCommand UpsertHourly(SqliteConnection connection, SqliteTransaction transaction) => Prepare(connection, transaction, """
            INSERT INTO UsageRollups (Hour, RegionCode, IndustryCode, ModelId, PackageId, PoolId, InputTokens, OutputTokens, Calls, Revenue, ComputeCost)
            VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8, $p9, $p10)
            ON CONFLICT (Hour, RegionCode, IndustryCode, ModelId, PackageId, PoolId) DO UPDATE SET
                InputTokens = InputTokens + excluded.InputTokens, OutputTokens = OutputTokens + excluded.OutputTokens,
                Calls = Calls + excluded.Calls, Revenue = Revenue + excluded.Revenue, ComputeCost = ComputeCost + excluded.ComputeCost
            """, 11);

        public static SqliteCommand UpsertCell(SqliteConnection connection, SqliteTransaction transaction) => Prepare(connection, transaction, """
            INSERT INTO RegionIndustryDaily (Day, RegionCode, IndustryCode, Tokens, Calls, Revenue, ComputeCost)
            VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6)
            ON CONFLICT (Day, RegionCode, IndustryCode) DO UPDATE SET
                Tokens = Tokens + excluded.Tokens, Calls = Calls + excluded.Calls,
                Revenue = Revenue + excluded.Revenue, ComputeCost = ComputeCost + excluded.ComputeCost
            """, 7);

        public static SqliteCommand UpsertCustomer(SqliteConnection connection, SqliteTransaction transaction) => Prepare(connection, transaction, """
            INSERT INTO CustomerDailyUsage (Day, CustomerId, ModelId, Tokens, Calls, Revenue, ComputeCost)
            VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6)
            ON CONFLICT (Day, CustomerId, ModelId) DO UPDATE SET
                Tokens = Tokens + excluded.Tokens, Calls = Calls + excluded.Calls,
                Revenue = Revenue + excluded.Revenue, ComputeCost = ComputeCost + excluded.ComputeCost
            """, 7);

        public static void Execute(SqliteCommand command, params object[] values)
        {
            for (var i = 0; i < values.Length; i++)
            {
                command.Parameters[i].Value = values[i];
            }
            command.ExecuteNonQuery();
        }

        private static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction transaction, string sql, int parameters)
        {
            var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            for (var i = 0; i < parameters; i++)
            {
                command.Parameters.Add(new SqliteParameter($"$p{i}", null));
            }
            command.Prepare();
            return command;
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

        public void Upsert(SqliteConnection connection, SqliteTransaction transaction)
        {
            using (var hourly = Statements.UpsertHourly(connection, transaction))
            {
                foreach (var ((hour, region, industry, model, package, pool), s) in _hourly)
                {
                    Statements.Execute(hourly, hour, region, industry, model, package, pool, s.Input, s.Output, s.Calls, s.Revenue, s.Cost);
                }
            }
            using (var cells = Statements.UpsertCell(connection, transaction))
            {
                foreach (var ((day, region, industry), s) in _cells)
                {
                    Statements.Execute(cells, day, region, industry, s.Input + s.Output, s.Calls, s.Revenue, s.Cost);
                }
            }
            using var customers = Statements.UpsertCustomer(connection, transaction);
            foreach (var ((day, customer, model), s) in _customers)
            {
                Statements.Execute(customers, day, customer, model, s.Input + s.Output, s.Calls, s.Revenue, s.Cost);
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

        private sealed class Sum
        {
            public long Input, Output, Calls;
            public double Revenue, Cost;

            public void Add(in ValidUsageEvent e, in Rating rating)
            {
                Input += e.InputTokens;
                Output += e.OutputTokens;
                Calls++;
                Revenue += rating.Revenue;
                Cost += rating.ComputeCost;
            }
        }
    }
}
