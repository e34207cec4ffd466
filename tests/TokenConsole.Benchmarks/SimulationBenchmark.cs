using System.Collections.Frozen;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TokenConsole.Data;
using TokenConsole.Data.Seeding;
using TokenConsole.Features.Pricing;

namespace TokenConsole.Benchmarks;

/// <summary>
/// The 90-day impact simulation at real rollup density (issue 14, item 5: target ≤ 2 s). The demo data set (2,000
/// customers, their subscriptions and daily usage) is seeded, then its hourly rollups are replaced by
/// <c>--rows-per-hour</c> rows an hour (default 15,000: what one hour of load-generator traffic over the same customers
/// made) for the 90 days, over the keys of the demo's own customers (region × industry × package) × models × pools, with
/// the daily, hourly-cell and package × model tables rewritten to their sums as the usage writer keeps them. Rules: the
/// rating benchmark's 50 (hour windows, days, every effect and stacking policy). Three proposals: −15 % stacking on
/// finance between 09:00 and 18:00 Beijing time, −5 % stacking on everything, and +0.20 CNY per million tokens on
/// finance at weekends (an absolute amount: each package's ratio differs, so their rows are read). The grouped method runs on 90 days; the row-by-row method (before issue 14)
/// runs on <c>--baseline-days</c> (default 3) of the same data in the same run, beside the grouped method on those
/// days (both must agree to the µ¥), and its 90-day time is extrapolated by rows.
/// </summary>
internal static class SimulationBenchmark
{
    public static async Task RunAsync(int runs, int rowsPerHour, int days, int baselineDays, string? dbPath)
    {
        var folder = dbPath is null ? Directory.CreateTempSubdirectory("tokenconsole-sim-").FullName : null;
        var file = dbPath ?? Path.Combine(folder!, "sim.db");
        try
        {
            var options = new DbContextOptionsBuilder<TokenConsoleDbContext>().UseSqlite($"Data Source={file}").Options;
            var factory = new Factory(options);
            var seed = Stopwatch.StartNew();
            long rollupRows;
            await using (var db = factory.CreateDbContext())
            {
                await db.Database.MigrateAsync();
                rollupRows = await db.UsageRollups.LongCountAsync();
                if (rollupRows < (long)rowsPerHour * 24 * (days - 1))
                {
                    await DatabaseInitializer.SeedReferenceDataAsync(db, CancellationToken.None);
                    await new DemoDataSeeder(Options.Create(new DemoOptions()), TimeProvider.System, NullLogger<DemoDataSeeder>.Instance).SeedAsync(db, CancellationToken.None);
                    rollupRows = await FillRollupsAsync(db, rowsPerHour, days);
                }
            }
            seed.Stop();
            var books = new PriceBookProvider(factory);
            await books.ReloadAsync();
            var ruleSets = new RuleSetProvider(factory, NullLogger<RuleSetProvider>.Instance);
            ruleSets.Replace(new RuleSetEngine(1, RatingBenchmark.Rules(), FrozenDictionary<int, FrozenSet<long>>.Empty, null));
            var simulator = new ImpactSimulator(factory, ruleSets, books, TimeProvider.System);
            long customerRows;
            await using (var db = factory.CreateDbContext())
            {
                customerRows = await db.CustomerDailyUsage.LongCountAsync();
            }

            PriceChangeContent[] proposals =
            [
                new() { Add = [new PriceRule { Name = "finance-daytime", Effect = PriceEffectKind.Percentage, Value = -15, Stacking = StackingPolicy.Stacks, Scope = new() { IndustryCodes = ["finance"], HourFrom = 9, HourTo = 18 } }] },
                new() { Add = [new PriceRule { Name = "everything", Effect = PriceEffectKind.Percentage, Value = -5, Stacking = StackingPolicy.Stacks }] },
                // Not proportional to each package's price: every package of the scope has its own ratio, so its rows are read.
                new() { Add = [new PriceRule { Name = "finance-weekend", Effect = PriceEffectKind.AbsolutePerMTok, Value = 0.2m, Stacking = StackingPolicy.Stacks, Scope = new() { IndustryCodes = ["finance"], Days = [DayOfWeek.Saturday, DayOfWeek.Sunday] } }] },
            ];
            string[] names = ["−15 % stacking, finance, 09–18 h", "−5 % stacking, unscoped", "+0.20 CNY/MTok stacking, finance, weekends"];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Impact simulation: {rollupRows:N0} hourly rollup rows ({rowsPerHour:N0} an hour, {days} days), {customerRows:N0} customer-day rows, 2,000 customers, 50 active rules + the proposal (data ready in {seed.Elapsed.TotalSeconds:0} s)"));
            Console.WriteLine($"| proposal | run | grouped, {days} days | rows read | row by row, {baselineDays} days | grouped, {baselineDays} days | row by row, {days} days extrapolated | revenue delta, {days} days |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|");
            for (var p = 0; p < proposals.Length; p++)
            {
                var times = new List<double>();
                for (var run = 0; run <= runs; run++)
                {
                    var sw = Stopwatch.StartNew();
                    var grouped = await simulator.SimulateAsync(proposals[p], days, SimulationMethod.Grouped, null, CancellationToken.None);
                    var groupedSeconds = sw.Elapsed.TotalSeconds;
                    sw.Restart();
                    var rowByRow = await simulator.SimulateAsync(proposals[p], baselineDays, SimulationMethod.RowByRow, null, CancellationToken.None);
                    var rowByRowSeconds = sw.Elapsed.TotalSeconds;
                    sw.Restart();
                    var groupedShort = await simulator.SimulateAsync(proposals[p], baselineDays, SimulationMethod.Grouped, null, CancellationToken.None);
                    var groupedShortSeconds = sw.Elapsed.TotalSeconds;
                    if (Micros(rowByRow.RevenueAfter) != Micros(groupedShort.RevenueAfter) || Micros(rowByRow.RevenueBefore) != Micros(groupedShort.RevenueBefore))
                    {
                        throw new InvalidOperationException($"{names[p]}: row by row {rowByRow.RevenueBefore} → {rowByRow.RevenueAfter} ≠ grouped {groupedShort.RevenueBefore} → {groupedShort.RevenueAfter}");
                    }
                    if (run == 0)
                    {
                        continue; // warm-up
                    }

                    times.Add(groupedSeconds);
                    var extrapolated = rowByRowSeconds * rollupRows / Math.Max(1, rowByRow.RollupRows);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {names[p]} | {run} | **{groupedSeconds:0.000} s** | {grouped.RollupRows:N0} | {rowByRowSeconds:0.000} s ({rowByRow.RollupRows:N0} rows) | {groupedShortSeconds:0.000} s | {extrapolated:0} s | {grouped.Delta:N2} CNY ({grouped.DeltaPercent:P2}) |"));
                }
                times.Sort();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{names[p]}: median {times[times.Count / 2]:0.000} s, worst {times[^1]:0.000} s over {days} days (target ≤ 2 s)"));
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            if (folder is not null)
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static long Micros(decimal yuan) => Money.RoundMicros(yuan * Money.MicrosPerYuan);

    /// <summary>
    /// Replaces the demo's hourly rollups with <paramref name="rowsPerHour"/> rows an hour, inserted in key order through
    /// the seeder's native row writer (the secondary index is dropped and built again after), and the daily table's
    /// usage columns with their sums, as the usage writer keeps both.
    /// </summary>
    private static async Task<long> FillRollupsAsync(TokenConsoleDbContext db, int rowsPerHour, int days)
    {
        var triples = await db.Subscriptions.AsNoTracking()
            .Select(s => new { s.Customer!.RegionCode, s.Customer.IndustryCode, s.PackageId })
            .Distinct().ToListAsync();
        var models = await db.Models.AsNoTracking().Select(m => m.Id).ToListAsync();
        var pools = Math.Max(1, (int)Math.Ceiling(rowsPerHour * 1.5 / (triples.Count * models.Count)));
        var universe = (from t in triples from m in models from pool in Enumerable.Range(1, pools) select (t.RegionCode, t.IndustryCode, Model: m, t.PackageId, Pool: pool))
            .OrderBy(k => k.RegionCode, StringComparer.Ordinal).ThenBy(k => k.IndustryCode, StringComparer.Ordinal)
            .ThenBy(k => k.Model).ThenBy(k => k.PackageId).ThenBy(k => k.Pool).ToArray();
        var share = Math.Min(1.0, (double)rowsPerHour / universe.Length);

        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        await Execute(connection, "PRAGMA synchronous=OFF");
        await Execute(connection, "DROP INDEX IF EXISTS IX_UsageRollups_RegionCode_IndustryCode_Hour");
        await Execute(connection, "DELETE FROM UsageRollups");
        await Execute(connection, "UPDATE RegionIndustryDaily SET Tokens = 0, Calls = 0, RevenueMicros = 0, ComputeCostMicros = 0");
        await Execute(connection, "DELETE FROM PackageModelDaily WHERE ModelId <> 0");
        await Execute(connection, "DELETE FROM RegionIndustryHourly");
        var now = DateTime.UtcNow;
        var lastHour = new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerHour, DateTimeKind.Utc);
        var firstHour = BusinessCalendar.DayStartUtc(lastHour).AddDays(1 - days);
        var random = new Random(14);
        var daily = new Dictionary<(DateTime Day, string Region, string Industry), (long Tokens, long Calls, long Revenue, long Cost)>();
        var packageModels = new Dictionary<(DateTime Day, int Package, int Model), (long Tokens, long Calls, long Revenue, long Cost)>();
        var cellHours = new Dictionary<(DateTime Hour, string Region, string Industry), (long Tokens, long Calls, long Revenue, long Cost)>();
        long rows = 0;
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            using var insert = new SqliteRowWriter(connection, "UsageRollups",
                "Hour", "RegionCode", "IndustryCode", "ModelId", "PackageId", "PoolId", "InputTokens", "OutputTokens", "Calls", "RevenueMicros", "ComputeCostMicros");
            for (var hour = firstHour; hour <= lastHour; hour = hour.AddHours(1))
            {
                var day = BusinessCalendar.DayStartUtc(hour);
                foreach (var key in universe)
                {
                    if (random.NextDouble() >= share)
                    {
                        continue;
                    }
                    var input = random.Next(2_000, 2_000_000);
                    var output = random.Next(500, 500_000);
                    var calls = random.Next(1, 400);
                    // About a third of the usage is inside the buckets and earned nothing.
                    var revenue = random.NextDouble() < 0.35 ? 0 : (input + output) * (long)random.Next(2, 9);
                    var cost = (input + output) * 2L;
                    insert.Add(hour.Ticks).Add(key.RegionCode).Add(key.IndustryCode).Add(key.Model).Add(key.PackageId).Add(key.Pool)
                        .Add(input).Add(output).Add(calls).Add(revenue).Add(cost).Insert();
                    ref var cell = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(daily, (day, key.RegionCode, key.IndustryCode), out _);
                    cell = (cell.Tokens + input + output, cell.Calls + calls, cell.Revenue + revenue, cell.Cost + cost);
                    ref var packageModel = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(packageModels, (day, key.PackageId, key.Model), out _);
                    packageModel = (packageModel.Tokens + input + output, packageModel.Calls + calls, packageModel.Revenue + revenue, packageModel.Cost + cost);
                    ref var cellHour = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(cellHours, (hour, key.RegionCode, key.IndustryCode), out _);
                    cellHour = (cellHour.Tokens + input + output, cellHour.Calls + calls, cellHour.Revenue + revenue, cellHour.Cost + cost);
                    rows++;
                }
            }
            await using var upsert = connection.CreateCommand();
            upsert.CommandText = """
                INSERT INTO RegionIndustryDaily (Day, RegionCode, IndustryCode, Tokens, Calls, RevenueMicros, ComputeCostMicros, FeeMicros, TopUpMicros, CreditMicros)
                VALUES ($day, $region, $industry, $tokens, $calls, $revenue, $cost, 0, 0, 0)
                ON CONFLICT (RegionCode, IndustryCode, Day) DO UPDATE SET Tokens = excluded.Tokens, Calls = excluded.Calls,
                    RevenueMicros = excluded.RevenueMicros, ComputeCostMicros = excluded.ComputeCostMicros
                """;
            var parameters = new[] { "$day", "$region", "$industry", "$tokens", "$calls", "$revenue", "$cost" }.Select(n => upsert.Parameters.Add(new SqliteParameter { ParameterName = n })).ToArray();
            foreach (var ((day, region, industry), t) in daily)
            {
                object[] values = [day.Ticks, region, industry, t.Tokens, t.Calls, t.Revenue, t.Cost];
                for (var i = 0; i < values.Length; i++)
                {
                    parameters[i].Value = values[i];
                }
                await upsert.ExecuteNonQueryAsync();
            }
            // The simulation reads each hour-of-week class's revenue per cell from this table, as the usage writer keeps it.
            using (var cellHourInsert = new SqliteRowWriter(connection, "RegionIndustryHourly", "Hour", "RegionCode", "IndustryCode", "Tokens", "Calls", "RevenueMicros", "ComputeCostMicros"))
            {
                foreach (var ((hour, region, industry), t) in cellHours)
                {
                    cellHourInsert.Add(hour.Ticks).Add(region).Add(industry).Add(t.Tokens).Add(t.Calls).Add(t.Revenue).Add(t.Cost).Insert();
                }
            }
            // The simulation prices only the (package, model) pairs with usage in the period, from this table.
            using (var packageModelInsert = new SqliteRowWriter(connection, "PackageModelDaily", "Day", "PackageId", "ModelId", "Tokens", "Calls", "RevenueMicros", "ComputeCostMicros"))
            {
                foreach (var ((day, package, model), t) in packageModels)
                {
                    packageModelInsert.Add(day.Ticks).Add(package).Add(model).Add(t.Tokens).Add(t.Calls).Add(t.Revenue).Add(t.Cost).Insert();
                }
            }
            await transaction.CommitAsync();
        }
        await Execute(connection, "CREATE INDEX IX_UsageRollups_RegionCode_IndustryCode_Hour ON UsageRollups (RegionCode, IndustryCode, Hour)");
        // As the app's checkpoints keep it: reads through a 2 GB write-ahead log were twice as slow.
        await Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE)");
        return rows;
    }

    private static async Task Execute(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private sealed class Factory(DbContextOptions<TokenConsoleDbContext> options) : IDbContextFactory<TokenConsoleDbContext>
    {
        public TokenConsoleDbContext CreateDbContext() => new(options);
    }
}
