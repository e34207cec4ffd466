using System.Collections.Concurrent;
using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TokenConsole.Data;
using TokenConsole.Data.Seeding;
using TokenConsole.Features.Billing;
using TokenConsole.Features.Catalog;
using TokenConsole.Features.Compute;
using TokenConsole.Features.Customers;
using TokenConsole.Features.Overview;
using TokenConsole.Features.Pricing;
using TokenConsole.Features.Reports;
using TokenConsole.Features.Usage;

namespace TokenConsole.Tests.Data;

/// <summary>
/// Every read of a rollup table the console makes seeks the days (or hours) it shows instead of scanning the table's
/// whole history (issue 14): the services run against the demo data (seeded with its billing side, so the fee
/// recognizer and the bill runs read too) with an interceptor collecting each SQL command they send, and each command
/// that reads a rollup table is asked for its plan with <c>EXPLAIN QUERY PLAN</c> and the same parameters. A plan may
/// not <c>SCAN</c> a rollup table (a full scan, with or without a covering index); each <c>SEARCH</c> of one must be
/// bounded by its time column. The data's size does not matter: without ANALYZE statistics (the console runs none)
/// SQLite chooses its plans from the schema and the query alone.
/// </summary>
/// On PostgreSQL (issue 15) each command's plan comes from <c>EXPLAIN</c> with sequential scans made as dear as
/// PostgreSQL allows (<c>enable_seqscan = off</c>: on tables this small the planner would otherwise rightly prefer them),
/// so a <c>Seq Scan</c> of a rollup table left in a plan means no index can serve the read; each index scan of one must
/// have its time column in its <c>Index Cond</c>.
public sealed class QueryPlanTests
{
    private static readonly string[] RollupTables =
        ["UsageRollups", "RegionIndustryDaily", "RegionIndustryHourly", "PackageModelDaily", "CustomerDailyUsage", "RevenueDaily", "CustomerDailyRuleEffect"];
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 4, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_rollup_read_of_the_console_seeks_its_period_and_none_scans_a_rollup_table()
    {
        using var database = new TestDatabase();
        var commands = new CommandLog();
        var clock = new FakeTimeProvider(Now);
        await using var services = new ServiceCollection().AddModules(database, clock,
                b => b.AddUsage(), b => b.AddOverview(), b => b.AddReports(), b => b.AddCompute(), b => b.AddCatalog(), b => b.AddCustomers(), b => b.AddBilling(), b => b.AddPricing())
            .Replace(ServiceDescriptor.Singleton<IDbContextFactory<TokenConsoleDbContext>>(new RecordingFactory(database, commands)))
            .BuildServiceProvider();
        var factory = services.GetRequiredService<IDbContextFactory<TokenConsoleDbContext>>();
        await using (var db = factory.CreateDbContext())
        {
            await DatabaseInitializer.SeedReferenceDataAsync(db, Ct);
            var demo = Options.Create(new DemoOptions { Seed = 3, Days = 40, Customers = 60, CallsPerDay = 2_000, EventHours = 2 });
            await new DemoDataSeeder(demo, clock, NullLogger<DemoDataSeeder>.Instance, services).SeedAsync(db, Ct);
        }

        var heatmap = services.GetRequiredService<HeatmapService>();
        var drillDown = services.GetRequiredService<DrillDownService>();
        var today = ReportPeriod.Today(Now);
        string region, industry, customer;
        int model, package, earning;
        // The test's own look-ups, outside the log.
        await using (var db = database.CreateDbContext())
        {
            var busiest = await db.RegionIndustryDaily.OrderByDescending(c => c.Tokens).FirstAsync(Ct);
            (region, industry) = (busiest.RegionCode, busiest.IndustryCode);
            customer = (await db.Customers.OrderBy(c => c.Id).FirstAsync(Ct)).Code;
            model = (await db.UsageRollups.FirstAsync(Ct)).ModelId;
            package = (await db.UsageRollups.FirstAsync(Ct)).PackageId;
            earning = (await db.PackageModelDaily.Where(p => p.ModelId != 0).OrderByDescending(p => p.RevenueMicros).FirstAsync(Ct)).PackageId;
        }
        var queries = new HeatmapQuery[]
        {
            new(Period: HeatmapPeriod.Days90), new(Period: HeatmapPeriod.Today), new(Period: HeatmapPeriod.Days7),
            new(Period: HeatmapPeriod.Custom, From: today.AddDays(-364), To: today),
            new(Period: HeatmapPeriod.Days30, ModelId: model), new(Period: HeatmapPeriod.Days30, PackageId: package),
            new(Period: HeatmapPeriod.Days30, Segment: CustomerSegment.Sme),
        };
        foreach (var query in queries)
        {
            await heatmap.GetAsync(query, Ct);
            await drillDown.GetAsync(region, industry, query, Ct);
        }
        await services.GetRequiredService<OverviewService>().GetAsync(Ct);
        var reports = services.GetRequiredService<ReportsService>();
        await reports.GetAsync(ReportPeriod.Quarter(2026, 4), Ct);
        await reports.GetAsync(ReportPeriod.LastMonth(Now), Ct);
        var capacity = services.GetRequiredService<CapacityService>();
        foreach (var period in Enum.GetValues<CapacityPeriod>())
        {
            await capacity.PoolsAsync(period, Ct);
        }
        await capacity.GetAsync(CapacityPeriod.Week, Ct);
        await services.GetRequiredService<ComputeEditService>().ImpactOfAsync(1, PoolStatus.Draining, Ct);
        await services.GetRequiredService<CatalogService>().ModelsAsync(Ct);
        Assert.NotNull(await services.GetRequiredService<CustomerQueries>().DetailsAsync(customer, Ct));
        // The impact simulation, grouped: a percentage for one industry's hours (the class tables), and one for one package
        // at weekends (its ratio differs from the other packages' of a cell: the rows of its weekend hours are read).
        await services.GetRequiredService<PriceBookProvider>().ReloadAsync(Ct);
        await services.GetRequiredService<RuleSetProvider>().ReloadAsync(Ct);
        var simulator = services.GetRequiredService<ImpactSimulator>();
        await simulator.SimulateAsync(new PriceChangeContent { Add = [new PriceRule { Name = "day", Effect = PriceEffectKind.Percentage, Value = -15, Stacking = StackingPolicy.Stacks,
            Scope = new() { IndustryCodes = [industry], HourFrom = 9, HourTo = 18 } }] }, 30, SimulationMethod.Grouped, null, Ct);
        var weekend = await simulator.SimulateAsync(new PriceChangeContent { Add = [new PriceRule { Name = "weekend", Effect = PriceEffectKind.Percentage, Value = -20, Stacking = StackingPolicy.Stacks,
            Scope = new() { PackageIds = [earning], Days = [DayOfWeek.Saturday, DayOfWeek.Sunday] } }] }, 30, SimulationMethod.Grouped, null, Ct);
        var weekendRowByRow = await simulator.SimulateAsync(new PriceChangeContent { Add = [new PriceRule { Name = "weekend", Effect = PriceEffectKind.Percentage, Value = -20, Stacking = StackingPolicy.Stacks,
            Scope = new() { PackageIds = [earning], Days = [DayOfWeek.Saturday, DayOfWeek.Sunday] } }] }, 30, SimulationMethod.RowByRow, null, Ct);
        Assert.NotEqual(weekendRowByRow.RevenueBefore, weekendRowByRow.RevenueAfter);
        Assert.Equal(Math.Round(weekendRowByRow.RevenueAfter, 6), Math.Round(weekend.RevenueAfter, 6));
        Assert.True(weekend.RollupRows > 0, $"the one package's weekend change reads rollup rows: {weekend.RollupRows} of {weekendRowByRow.RollupRows}, {weekend.RevenueBefore} → {weekend.RevenueAfter}");

        var reads = commands.RollupReads();
        // Each read that the services above make, at least once: if one stops being collected, the test says so.
        foreach (var table in RollupTables)
        {
            Assert.Contains(reads, r => r.Sql.Contains($"\"{table}\"", StringComparison.Ordinal));
        }
        Assert.Contains(reads, r => r.Sql.TrimStart().StartsWith("WITH", StringComparison.Ordinal) && r.Sql.Contains("\"UsageRollups\"", StringComparison.Ordinal)); // the simulation's corrections
        var problems = new List<string>();
        await using var connection = database.Provider == DatabaseProvider.PostgreSQL
            ? (DbConnection)new Npgsql.NpgsqlConnection(database.ConnectionString) : new SqliteConnection(database.ConnectionString);
        await connection.OpenAsync(Ct);
        foreach (var read in reads)
        {
            var plan = connection is SqliteConnection sqlite ? await PlanAsync(sqlite, read.Sql, read.Parameters) : await PostgresPlanAsync(connection, read.Sql, read.Parameters);
            var problem = connection is SqliteConnection ? Judge(read.Sql, plan) : JudgePostgres(read.Sql, plan);
            if (problem is not null)
            {
                problems.Add($"{problem}\n  plan: {string.Join(" | ", plan)}\n  sql: {read.Sql}");
            }
        }
        Assert.True(problems.Count == 0, $"{problems.Count} of {reads.Count} rollup reads do not seek their period:\n\n{string.Join("\n\n", problems)}");
        Assert.True(reads.Count >= 30, $"only {reads.Count} rollup reads were collected");
    }

    [Fact]
    public void A_full_scan_of_a_rollup_table_is_found_under_its_alias_and_a_seek_by_day_passes()
    {
        const string sql = "SELECT \"r\".\"RegionCode\" FROM \"RegionIndustryDaily\" AS \"r\" WHERE \"r\".\"Day\" >= @p";
        Assert.NotNull(Judge(sql, ["SCAN r"]));
        Assert.NotNull(Judge(sql, ["SCAN r USING COVERING INDEX IX_Something"]));
        Assert.NotNull(Judge(sql, ["SEARCH r USING PRIMARY KEY (RegionCode=?)"]));
        Assert.Null(Judge(sql, ["SEARCH r USING PRIMARY KEY (Day>? AND Day<?)", "USE TEMP B-TREE FOR GROUP BY"]));
        Assert.Null(Judge("SELECT 1 FROM \"Customers\" AS \"r\"", ["SCAN r"]));
        Assert.Null(Judge("SELECT MIN(\"u\".\"Hour\")\nFROM \"UsageRollups\" AS \"u\"", ["SEARCH u USING PRIMARY KEY"]));
        Assert.NotNull(Judge("SELECT SUM(\"u\".\"Calls\")\nFROM \"UsageRollups\" AS \"u\"", ["SEARCH u USING PRIMARY KEY"]));
    }

    /// <summary>Null when the plan seeks every rollup table it reads by time; otherwise what is wrong.</summary>
    private static string? Judge(string sql, IReadOnlyList<string> plan)
    {
        // EF names each table with an alias, and the plan names the alias: map them back within this statement.
        var aliases = Regex.Matches(sql, "\"(\\w+)\" AS \"(\\w+)\"")
            .Where(m => RollupTables.Contains(m.Groups[1].Value))
            .ToDictionary(m => m.Groups[2].Value, m => m.Groups[1].Value);
        foreach (var table in RollupTables)
        {
            aliases.TryAdd(table, table);
        }
        foreach (var line in plan)
        {
            var step = Regex.Match(line, "^(SCAN|SEARCH) (\\w+)");
            if (!step.Success || !aliases.TryGetValue(step.Groups[2].Value, out var table))
            {
                continue;
            }
            if (step.Groups[1].Value == "SCAN")
            {
                return $"full scan of {table}: {line}";
            }
            // A seek must bound the time column (a customer's page: its id, then its days).
            // (MIN or MAX of the time column alone reads the key's first or last row: a seek without bounds.)
            if (!Regex.IsMatch(line, "\\(.*\\b(Day|Hour)[<>=]") && !Regex.IsMatch(sql, "^SELECT (MIN|MAX)\\(\"\\w+\"\\.\"(Day|Hour)\"\\)\\s+FROM \"\\w+\" AS \"\\w+\"\\s*$"))
            {
                return $"seek of {table} not bounded by its days or hours: {line}";
            }
        }
        return null;
    }

    [Fact]
    public void On_PostgreSQL_a_sequential_scan_of_a_rollup_table_or_an_index_scan_without_its_time_fails_and_a_seek_by_day_passes()
    {
        const string sql = "SELECT r.\"RegionCode\" FROM \"RegionIndustryDaily\" AS r WHERE r.\"Day\" >= $1";
        Assert.NotNull(JudgePostgres(sql, ["Seq Scan on \"RegionIndustryDaily\" r  (cost=10000000000.00..10000000001.01 rows=1 width=32)"]));
        Assert.NotNull(JudgePostgres(sql, ["Index Scan using \"PK_RegionIndustryDaily\" on \"RegionIndustryDaily\" r  (cost=0.15..8.17 rows=1 width=32)",
            "  Index Cond: (\"RegionCode\" = 'CN-GD'::text)"]));
        Assert.Null(JudgePostgres(sql, ["Index Scan using \"PK_RegionIndustryDaily\" on \"RegionIndustryDaily\" r  (cost=0.15..8.17 rows=1 width=32)",
            "  Index Cond: (\"Day\" >= '638000000000000000'::bigint)"]));
        Assert.Null(JudgePostgres(sql, ["Bitmap Heap Scan on \"RegionIndustryDaily\" r  (cost=4.18..12.64 rows=4 width=32)", "  Recheck Cond: (\"Day\" >= 1)",
            "  ->  Bitmap Index Scan on \"PK_RegionIndustryDaily\"  (cost=0.00..4.18 rows=4 width=0)", "        Index Cond: (\"Day\" >= 1)"]));
        Assert.Null(JudgePostgres("SELECT 1 FROM \"Customers\" AS c", ["Seq Scan on \"Customers\" c"]));
    }

    /// <summary>Null when every rollup table the PostgreSQL plan reads is read by an index bounded by its time column.</summary>
    private static string? JudgePostgres(string sql, List<string> plan)
    {
        for (var i = 0; i < plan.Count; i++)
        {
            var node = Regex.Match(plan[i], "(Seq Scan|Index Only Scan|Index Scan|Bitmap Heap Scan)( using \"?\\w+\"?)? on \"?(\\w+)\"?");
            if (!node.Success || !RollupTables.Contains(node.Groups[3].Value))
            {
                continue;
            }
            var table = node.Groups[3].Value;
            if (node.Groups[1].Value == "Seq Scan")
            {
                return $"full scan of {table}: {plan[i].Trim()}";
            }
            // Its conditions: the lines below it up to the next node at its depth or above (a bitmap scan's are in its index scan).
            var depth = plan[i].Length - plan[i].TrimStart().Length;
            var conditions = plan.Skip(i + 1).TakeWhile(l => !(l.TrimStart().StartsWith("->", StringComparison.Ordinal) && l.Length - l.TrimStart().Length <= depth
                && !plan[i].Contains("Bitmap Heap Scan", StringComparison.Ordinal)))
                .Where(l => l.Contains("Index Cond:", StringComparison.Ordinal)).ToList();
            if (!conditions.Any(c => Regex.IsMatch(c, "\"(Day|Hour)\"")) && !Regex.IsMatch(sql, "^SELECT (MIN|MAX)\\(\"\\w+\"\\.\"(Day|Hour)\"\\)\\s+FROM \"\\w+\" AS \"\\w+\"\\s*$"))
            {
                return $"index scan of {table} not bounded by its days or hours: {plan[i].Trim()} {string.Join(" ", conditions.Select(c => c.Trim()))}";
            }
        }
        return null;
    }

    /// <summary>PostgreSQL's plan for <paramref name="sql"/> with those parameters, sequential scans priced out.</summary>
    private static async Task<List<string>> PostgresPlanAsync(DbConnection connection, string sql, IReadOnlyList<(string Name, object? Value)> parameters)
    {
        await using (var off = connection.CreateCommand())
        {
            off.CommandText = "SET enable_seqscan = off";
            await off.ExecuteNonQueryAsync(Ct);
        }
        await using var explain = (Npgsql.NpgsqlCommand)connection.CreateCommand();
        explain.CommandText = "EXPLAIN " + sql;
        foreach (var (name, value) in parameters)
        {
            explain.Parameters.Add(new Npgsql.NpgsqlParameter(name, value ?? DBNull.Value));
        }
        var plan = new List<string>();
        await using var reader = await explain.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            plan.Add(reader.GetString(0));
        }
        return plan;
    }

    /// <summary>The detail lines of SQLite's plan for <paramref name="sql"/> with those parameters.</summary>
    internal static async Task<List<string>> PlanAsync(SqliteConnection connection, string sql, IReadOnlyList<(string Name, object? Value)> parameters)
    {
        await using var explain = connection.CreateCommand();
        explain.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var (name, value) in parameters)
        {
            explain.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        var plan = new List<string>();
        await using var reader = await explain.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            plan.Add(reader.GetString(3));
        }
        return plan;
    }

    private sealed record Command(string Sql, IReadOnlyList<(string Name, object? Value)> Parameters);

    /// <summary>The SELECTs sent through EF (LINQ and raw SQL alike), kept once per text.</summary>
    private sealed class CommandLog : DbCommandInterceptor
    {
        private readonly ConcurrentDictionary<string, Command> _commands = new();

        public List<Command> RollupReads() =>
        [
            .. _commands.Values.Where(c => (c.Sql.TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase) || c.Sql.TrimStart().StartsWith("WITH", StringComparison.OrdinalIgnoreCase))
                && RollupTables.Any(t => c.Sql.Contains($"\"{t}\"", StringComparison.Ordinal))),
        ];

        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        {
            Record(command);
            return result;
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result,
            CancellationToken cancellationToken = default)
        {
            Record(command);
            return ValueTask.FromResult(result);
        }

        public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
        {
            Record(command);
            return result;
        }

        public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result,
            CancellationToken cancellationToken = default)
        {
            Record(command);
            return ValueTask.FromResult(result);
        }

        private void Record(DbCommand command) => _commands.TryAdd(command.CommandText,
            new Command(command.CommandText, [.. command.Parameters.Cast<DbParameter>().Select(p => (p.ParameterName, (object?)p.Value))]));
    }

    private sealed class RecordingFactory(TestDatabase database, CommandLog log) : IDbContextFactory<TokenConsoleDbContext>
    {
        private readonly DbContextOptions<TokenConsoleDbContext> _options = (database.Provider == DatabaseProvider.PostgreSQL
            ? new DbContextOptionsBuilder<TokenConsoleDbContext>().UseNpgsql(database.ConnectionString)
            : new DbContextOptionsBuilder<TokenConsoleDbContext>().UseSqlite(database.ConnectionString)).AddInterceptors(log).Options;

        public TokenConsoleDbContext CreateDbContext() => TokenConsoleDbContextFactory.Create(_options);
    }
}
