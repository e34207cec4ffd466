using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;
using TokenConsole.Data.PostgreSQL;
using TokenConsole.Data.Seeding;

namespace TokenConsole.Benchmarks;

/// <summary>
/// How much rollup history the read benchmarks run on (issue 14): years of daily rollups, a year of hourly rollups at the
/// density the load generator produces (~15,000 hourly rows an hour over 2,000 customers; the demo makes ~70).
/// </summary>
internal sealed record RollupShape(int HistoryDays, int HourlyDays, int HourlyRowsPerHour, int Customers, int ModelsPerCustomerDay)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{HistoryDays:N0} days of daily rollups (region × industry, customer × model, fees), {HourlyDays:N0} days of hourly rollups at {HourlyRowsPerHour:N0} rows/hour, {Customers:N0} customers × {ModelsPerCustomerDay} models a day");
}

/// <summary>
/// Writes a <see cref="RollupShape"/> of rollups straight into the tables with the console's bulk writer
/// (<see cref="RowWriter"/>: prepared native inserts on SQLite, COPY on PostgreSQL), in key order where the key allows,
/// inside large transactions: the reads are measured, not the writer. Values are random but shaped like traffic: regions
/// by GDP, industries by share; seeded, so that both providers get the same rows and the reads' totals can be compared.
/// The daily region × industry rows of the days that have hourly rollups are their sums, so the two agree where both exist.
/// </summary>
internal static class RollupHistory
{
    private const int Models = 12, Packages = 20, Pools = 13;

    public static long Generate(DbContextOptions<TokenConsoleDbContext> options, RollupShape shape, DateTimeOffset now)
    {
        var random = new Random(42);
        var regions = ReferenceCatalog.Regions.Select(r => r.Code).ToArray();
        var regionWeights = Cumulative(ReferenceCatalog.Regions.Select(r => r.Gdp2023));
        var industries = ReferenceCatalog.Industries.Select(i => i.Code).ToArray();
        var industryWeights = Cumulative(ReferenceCatalog.Industries.Select(i => i.Share));

        using var db = TokenConsoleDbContextFactory.Create(options);
        var connection = db.Database.GetDbConnection();
        connection.Open();
        if (connection is SqliteConnection)
        {
            Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA cache_size=-1048576;");
        }
        var rows = 0L;
        var transaction = connection.BeginTransaction();
        void CommitEvery(int n)
        {
            if (++rows % n == 0)
            {
                transaction.Commit();
                transaction.Dispose();
                transaction = connection.BeginTransaction();
            }
        }

        var customers = new (string Region, string Industry)[shape.Customers];
        using (var insert = RowWriter.Open(connection, "Customers", "Id", "Code", "Name", "NameZh", "Segment", "IndustryCode", "RegionCode", "CreatedAt", "Status", "Version"))
        {
            for (var c = 0; c < customers.Length; c++)
            {
                customers[c] = (regions[Pick(regionWeights, random.NextDouble())], industries[Pick(industryWeights, random.NextDouble())]);
                insert.Add(c + 1).Add($"BENCH-{c + 1:D6}").Add($"Customer {c + 1}").Add($"客户 {c + 1}").Add(((CustomerSegment)(c % 4)).ToString())
                    .Add(customers[c].Industry).Add(customers[c].Region).Add(now.AddYears(-4).UtcTicks).Add(nameof(CustomerStatus.Active)).Add(1L).Insert();
            }
            // PostgreSQL's writer buffers: the customers are in the table before any row that names them.
            insert.Complete();
        }
        if (connection is not SqliteConnection)
        {
            // The ids were written explicitly, which leaves PostgreSQL's identity sequence behind them.
            PostgresIdentities.ResyncAsync(connection, transaction, "Customers").GetAwaiter().GetResult();
        }

        // Hourly rollups, hour by hour (their key's order), with distinct keys inside each hour.
        var today = BusinessCalendar.DayStartUtc(now.UtcDateTime);
        var firstHour = new DateTime(now.UtcDateTime.Ticks - now.UtcDateTime.Ticks % TimeSpan.TicksPerHour, DateTimeKind.Utc).AddDays(-shape.HourlyDays);
        var cells = new Dictionary<(long Day, string Region, string Industry), (long T, long C, long R, long K)>();
        var keys = new HashSet<long>();
        var packageModels = new Dictionary<(long Day, int Package, int Model), (long T, long C, long R, long K)>();
        var cellHours = new Dictionary<(string Region, string Industry), (long T, long C, long R, long K)>();
        using var cellHour = RowWriter.Open(connection, "RegionIndustryHourly", "Hour", "RegionCode", "IndustryCode", "Tokens", "Calls", "RevenueMicros", "ComputeCostMicros");
        using (var hourly = RowWriter.Open(connection, "UsageRollups", "Hour", "RegionCode", "IndustryCode", "ModelId", "PackageId", "PoolId",
                   "InputTokens", "OutputTokens", "Calls", "RevenueMicros", "ComputeCostMicros"))
        {
            for (var hour = firstHour; hour < now.UtcDateTime; hour = hour.AddHours(1))
            {
                keys.Clear();
                cellHours.Clear();
                var day = BusinessCalendar.DayStartUtc(hour).Ticks;
                while (keys.Count < shape.HourlyRowsPerHour)
                {
                    int region = Pick(regionWeights, random.NextDouble()), industry = Pick(industryWeights, random.NextDouble());
                    int model = 1 + random.Next(Models), package = 1 + random.Next(Packages), pool = 1 + random.Next(Pools);
                    if (!keys.Add(((((((long)region * 16) + industry) * 16 + model) * 32 + package) * 16) + pool))
                    {
                        continue;
                    }
                    long calls = 1 + random.Next(40), input = calls * (200 + random.Next(4000)), output = calls * (50 + random.Next(1200));
                    long revenue = (input + output) * 4, cost = (input + output) * 3 / 2; // micro-yuan: ¥4 and ¥1.5 per million tokens
                    hourly.Add(hour.Ticks).Add(regions[region]).Add(industries[industry]).Add(model).Add(package).Add(pool)
                        .Add(input).Add(output).Add(calls).Add(revenue).Add(cost).Insert();
                    var key = (day, regions[region], industries[industry]);
                    var s = cells.GetValueOrDefault(key);
                    cells[key] = (s.T + input + output, s.C + calls, s.R + revenue, s.K + cost);
                    var h = cellHours.GetValueOrDefault((regions[region], industries[industry]));
                    cellHours[(regions[region], industries[industry])] = (h.T + input + output, h.C + calls, h.R + revenue, h.K + cost);
                    var p = packageModels.GetValueOrDefault((day, package, model));
                    packageModels[(day, package, model)] = (p.T + input + output, p.C + calls, p.R + revenue, p.K + cost);
                    CommitEvery(1_000_000);
                }
                foreach (var ((region, industry), h) in cellHours)
                {
                    cellHour.Add(hour.Ticks).Add(region).Add(industry).Add(h.T).Add(h.C).Add(h.R).Add(h.K).Insert();
                }
            }
            hourly.Complete();
        }
        cellHour.Complete();

        // Daily rollups: every region × industry cell of every day (the hourly sums where there are hours), customers'
        // usage per model, and one recognized fee per customer a day.
        var firstDay = today.AddDays(-(shape.HistoryDays - 1));
        using var cell = RowWriter.Open(connection, "RegionIndustryDaily", "Day", "RegionCode", "IndustryCode", "Tokens", "Calls", "RevenueMicros", "ComputeCostMicros",
            "FeeMicros", "TopUpMicros", "CreditMicros");
        using var customerDaily = RowWriter.Open(connection, "CustomerDailyUsage", "Day", "CustomerId", "ModelId", "Tokens", "Calls", "RevenueMicros", "ComputeCostMicros",
            "BucketTokens", "OverageTokens", "BaseRevenueMicros", "LeakageTokens");
        using var fee = RowWriter.Open(connection, "RevenueDaily", "Day", "CustomerId", "PackageId", "RegionCode", "IndustryCode", "FeeMicros", "TopUpMicros", "CreditMicros");
        using var packageModel = RowWriter.Open(connection, "PackageModelDaily", "Day", "PackageId", "ModelId", "Tokens", "Calls", "RevenueMicros", "ComputeCostMicros",
            "FeeMicros", "TopUpMicros", "CreditMicros");
        var months = new Dictionary<(long Month, int Customer), (long T, long R, long K, long F)>();
        var cellMonths = new Dictionary<(long Month, string Region, string Industry), (long T, long C, long R, long K, long F)>();
        var perCell = Math.Max(1, shape.HourlyRowsPerHour * 24L / (regions.Length * industries.Length));
        for (var day = firstDay; day <= today; day = day.AddDays(1))
        {
            var fees = new Dictionary<(string, string), long>();
            var month = BusinessCalendar.MonthStartUtc(day).Ticks;
            var packageFees = new Dictionary<int, long>();
            for (var c = 0; c < customers.Length; c++)
            {
                var micros = 10_000_000L + random.Next(90_000_000);
                fee.Add(day.Ticks).Add(c + 1).Add(1 + (c % Packages)).Add(customers[c].Region).Add(customers[c].Industry).Add(micros).Add(0L).Add(0L).Insert();
                fees[customers[c]] = fees.GetValueOrDefault(customers[c]) + micros;
                packageFees[1 + (c % Packages)] = packageFees.GetValueOrDefault(1 + (c % Packages)) + micros;
                var m0 = months.GetValueOrDefault((month, c + 1));
                months[(month, c + 1)] = (m0.T, m0.R, m0.K, m0.F + micros);
                CommitEvery(1_000_000);
                for (var m = 0; m < shape.ModelsPerCustomerDay; m++)
                {
                    long tokens = 10_000 + random.Next(5_000_000), revenue = tokens * 4;
                    customerDaily.Add(day.Ticks).Add(c + 1).Add(1 + ((c + m * 5) % Models)).Add(tokens).Add(1 + tokens / 3000).Add(revenue).Add(tokens * 3 / 2)
                        .Add("0").Add(tokens.ToString(CultureInfo.InvariantCulture)).Add(revenue).Add("0").Insert();
                    var m1 = months.GetValueOrDefault((month, c + 1));
                    months[(month, c + 1)] = (m1.T + tokens, m1.R + revenue, m1.K + tokens * 3 / 2, m1.F);
                    CommitEvery(1_000_000);
                }
            }
            foreach (var region in regions)
            {
                foreach (var industry in industries)
                {
                    if (!cells.TryGetValue((day.Ticks, region, industry), out var s))
                    {
                        var tokens = perCell * (1_000L + random.Next(200_000));
                        s = (tokens, perCell * 20, tokens * 4, tokens * 3 / 2);
                    }
                    cell.Add(day.Ticks).Add(region).Add(industry).Add(s.T).Add(s.C).Add(s.R).Add(s.K).Add(fees.GetValueOrDefault((region, industry))).Add(0L).Add(0L).Insert();
                    var cm = cellMonths.GetValueOrDefault((month, region, industry));
                    cellMonths[(month, region, industry)] = (cm.T + s.T, cm.C + s.C, cm.R + s.R, cm.K + s.K, cm.F + fees.GetValueOrDefault((region, industry)));
                    CommitEvery(1_000_000);
                }
            }
            // The report's package × model rows: the hourly rows' sums where there are hours (the days before have
            // region × industry rows only), and each package's fees (model 0).
            for (var package = 1; package <= Packages; package++)
            {
                for (var model = 1; model <= Models; model++)
                {
                    if (packageModels.TryGetValue((day.Ticks, package, model), out var p))
                    {
                        packageModel.Add(day.Ticks).Add(package).Add(model).Add(p.T).Add(p.C).Add(p.R).Add(p.K).Add(0L).Add(0L).Add(0L).Insert();
                        CommitEvery(1_000_000);
                    }
                }
                packageModel.Add(day.Ticks).Add(package).Add(0).Add(0L).Add(0L).Add(0L).Add(0L).Add(packageFees.GetValueOrDefault(package)).Add(0L).Add(0L).Insert();
                CommitEvery(1_000_000);
            }
        }
        foreach (var writer in new[] { cell, customerDaily, fee, packageModel })
        {
            writer.Complete();
        }
        // The report's customer months: the customer days' and the fees' sums.
        using (var customerMonth = RowWriter.Open(connection, "CustomerMonthly", "Month", "CustomerId", "Tokens", "RevenueMicros", "ComputeCostMicros",
                   "FeeMicros", "TopUpMicros", "CreditMicros"))
        {
            foreach (var ((month, customer), m) in months.OrderBy(m => m.Key))
            {
                customerMonth.Add(month).Add(customer).Add(m.T).Add(m.R).Add(m.K).Add(m.F).Add(0L).Add(0L).Insert();
                CommitEvery(1_000_000);
            }
            customerMonth.Complete();
        }
        using (var cellMonth = RowWriter.Open(connection, "RegionIndustryMonthly", "Month", "RegionCode", "IndustryCode", "Tokens", "Calls", "RevenueMicros", "ComputeCostMicros",
                   "FeeMicros", "TopUpMicros", "CreditMicros"))
        {
            foreach (var ((month, region, industry), m) in cellMonths)
            {
                cellMonth.Add(month).Add(region).Add(industry).Add(m.T).Add(m.C).Add(m.R).Add(m.K).Add(m.F).Add(0L).Add(0L).Insert();
                CommitEvery(1_000_000);
            }
            cellMonth.Complete();
        }
        transaction.Commit();
        transaction.Dispose();
        return rows;
    }

    private static void Execute(DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    internal static double[] Cumulative(IEnumerable<double> weights)
    {
        var list = weights.ToArray();
        var total = list.Sum();
        var running = 0.0;
        return [.. list.Select(w => running += w / total)];
    }

    internal static int Pick(double[] cumulative, double u)
    {
        var i = Array.BinarySearch(cumulative, u);
        return Math.Min(i < 0 ? ~i : i, cumulative.Length - 1);
    }
}
