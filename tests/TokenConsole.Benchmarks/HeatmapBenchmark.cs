using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using TokenConsole.Data;
using TokenConsole.Data.Seeding;
using TokenConsole.Features.Overview;
using TokenConsole.Features.Reports;
using TokenConsole.Features.Usage;
using TokenConsole.Features.Usage.Ingestion;

namespace TokenConsole.Benchmarks;

/// <summary>
/// The console's rollup reads on the shapes real traffic leaves (issue 14; <see cref="RollupShape"/>): the consumption
/// heatmap (31 regions × 15 industries) for 90 and 365 days, a cell's drill-down, the overview and the quarter's
/// executive report, each through the console's own service, p50 and p95. With <c>--events N</c> (0 by default) it
/// also writes N raw events over the last 90 days and times one GROUP BY over them for the 90-day heatmap, the
/// baseline the rollups must beat by ≥ 20×. Targets: heatmap 90 days ≤ 50 ms p95, 365 days ≤ 100 ms, overview and
/// quarter report ≤ 200 ms (ENGINEERING.md, issue 14). <c>--db PATH</c> keeps the generated database and reuses it.
/// </summary>
internal static class HeatmapBenchmark
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 4, 0, 0, TimeSpan.Zero);

    /// <param name="keep">
    /// SQLite: a file to keep the generated database in and reuse. PostgreSQL: a database name on the server
    /// (<see cref="TestProvider.PostgresServer"/>) to keep and reuse the same way; without it a throw-away database is
    /// generated and dropped each run.
    /// </param>
    public static async Task RunAsync(RollupShape shape, int events, int runs, string? keep, DatabaseProvider provider = DatabaseProvider.Sqlite)
    {
        if (provider == DatabaseProvider.PostgreSQL)
        {
            await RunPostgresAsync(shape, events, runs, keep);
            return;
        }
        var folder = Directory.CreateTempSubdirectory("tokenconsole-heatmap-").FullName;
        var path = keep ?? Path.Combine(folder, "heatmap.db");
        var options = new DbContextOptionsBuilder<TokenConsoleDbContext>().UseSqlite($"Data Source={path}").Options;
        try
        {
            var stamp = path + ".shape";
            var described = $"{shape}; {events} raw events";
            if (keep is null || !File.Exists(stamp) || await File.ReadAllTextAsync(stamp) != described)
            {
                File.Delete(path);
                await GenerateAsync(options, shape, events);
                await File.WriteAllTextAsync(stamp, described);
            }
            else
            {
                await MigrateAsync(options);
            }
            SqliteConnection.ClearAllPools();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"database {new FileInfo(path).Length / 1048576.0:N0} MiB"));
            await MeasureAsync(options, shape, events, runs, "SQLite");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// The same shape and reads on PostgreSQL (issue 15): a throw-away database on the local server, or the database
    /// <paramref name="keep"/> names, kept and reused while its stamp (the database's comment) says the same shape.
    /// </summary>
    private static async Task RunPostgresAsync(RollupShape shape, int events, int runs, string? keep)
    {
        using var scratch = keep is null ? new PostgresTestDatabase() : null;
        var described = $"{KeptStamp}{shape}; {events} raw events";
        var (connectionString, reuse) = scratch is not null ? (scratch.ConnectionString, false) : await KeptDatabaseAsync(keep!, described);
        var builder = new DbContextOptionsBuilder<TokenConsoleDbContext>();
        DataModule.Configure(builder, DatabaseProvider.PostgreSQL, connectionString, contentRoot: Repository.Root);
        var options = builder.Options;
        try
        {
            if (!reuse)
            {
                await GenerateAsync(options, shape, events);
                // Bulk-loaded tables have no statistics until autovacuum gets to them: ANALYZE, or the planner guesses
                // row counts and picks plans it would not pick on a database that has been running. VACUUM as well,
                // for the visibility map that index-only scans need (what autovacuum also does to a live database),
                // so that the reads are not timed while autovacuum works through the freshly written tables.
                var analysis = Stopwatch.StartNew();
                await using (var connection = new NpgsqlConnection(connectionString))
                {
                    await connection.OpenAsync();
                    await using var vacuum = new NpgsqlCommand("VACUUM (ANALYZE)", connection) { CommandTimeout = 0 };
                    await vacuum.ExecuteNonQueryAsync();
                }
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"VACUUM (ANALYZE) in {analysis.Elapsed.TotalSeconds:0} s"));
                if (keep is not null)
                {
                    await OnServerAsync($"""COMMENT ON DATABASE "{keep}" IS '{described.Replace("'", "''", StringComparison.Ordinal)}'""");
                }
            }
            else
            {
                await MigrateAsync(options);
            }
            await using (var connection = new NpgsqlConnection(connectionString))
            {
                await connection.OpenAsync();
                await using var size = new NpgsqlCommand("SELECT pg_database_size(current_database())", connection);
                var bytes = (long)(await size.ExecuteScalarAsync())!;
                var database = new NpgsqlConnectionStringBuilder(connectionString);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"database {bytes / 1048576.0:N0} MiB (pg_database_size of \"{database.Database}\" on {database.Host}:{database.Port}, PostgreSQL {connection.PostgreSqlVersion}; {(keep is null ? "generated this run and dropped after it (--db NAME keeps one)" : reuse ? "kept, reused" : "kept for the next run")})"));
            }
            await MeasureAsync(options, shape, events, runs, "PostgreSQL");
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
        }
    }

    private const string KeptStamp = "heatmap benchmark: ";

    /// <summary>
    /// The kept database <paramref name="name"/>: reused when its comment is <paramref name="described"/>, made anew when it
    /// is missing or another shape's. One without the benchmark's stamp is not this benchmark's and is never dropped.
    /// </summary>
    private static async Task<(string ConnectionString, bool Reuse)> KeptDatabaseAsync(string name, string described)
    {
        if (!System.Text.RegularExpressions.Regex.IsMatch(name, "^[a-z_][a-z0-9_]{0,62}$"))
        {
            throw new ArgumentException($"On PostgreSQL --db is a database name (lower-case letters, digits, _), not '{name}'.");
        }
        var connectionString = new NpgsqlConnectionStringBuilder(TestProvider.PostgresServer) { Database = name }.ConnectionString;
        var server = new NpgsqlConnectionStringBuilder(TestProvider.PostgresServer) { Database = "postgres", Pooling = false };
        string? comment;
        bool exists;
        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = @name", connection);
            command.Parameters.AddWithValue("name", name);
            await using var reader = await command.ExecuteReaderAsync();
            exists = await reader.ReadAsync();
            comment = exists && !reader.IsDBNull(0) ? reader.GetString(0) : null;
        }
        if (exists && comment == described)
        {
            return (connectionString, true);
        }
        if (exists && comment?.StartsWith(KeptStamp, StringComparison.Ordinal) != true)
        {
            throw new InvalidOperationException($"The database \"{name}\" exists and is not one this benchmark made (its comment is not '{KeptStamp}…'); it is left alone. Name another.");
        }
        if (exists)
        {
            await OnServerAsync($"""DROP DATABASE "{name}" WITH (FORCE)""");
        }
        await OnServerAsync($"""CREATE DATABASE "{name}" """);
        return (connectionString, false);
    }

    private static async Task OnServerAsync(string sql)
    {
        var server = new NpgsqlConnectionStringBuilder(TestProvider.PostgresServer) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Migrates and seeds an empty database, then writes the shape's rollups and the raw events.</summary>
    private static async Task GenerateAsync(DbContextOptions<TokenConsoleDbContext> options, RollupShape shape, int events)
    {
        await using (var db = TokenConsoleDbContextFactory.Create(options))
        {
            await db.Database.MigrateAsync();
            await DatabaseInitializer.SeedReferenceDataAsync(db, CancellationToken.None);
        }
        var generation = Stopwatch.StartNew();
        var rows = RollupHistory.Generate(options, shape, Now);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"generated {rows:N0} rollup rows in {generation.Elapsed.TotalSeconds:0} s"));
        if (events > 0)
        {
            generation.Restart();
            GenerateEvents(options, events);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"generated {events:N0} raw events in {generation.Elapsed.TotalSeconds:0} s"));
        }
    }

    /// <summary>A database migrated by an older build: bring its schema to this build's before measuring.</summary>
    private static async Task MigrateAsync(DbContextOptions<TokenConsoleDbContext> options)
    {
        await using var db = TokenConsoleDbContextFactory.Create(options);
        var pending = (await db.Database.GetPendingMigrationsAsync()).ToList();
        var migration = Stopwatch.StartNew();
        await db.Database.MigrateAsync();
        if (pending.Count > 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"migrated ({string.Join(", ", pending)}) in {migration.Elapsed.TotalSeconds:0.0} s"));
        }
    }

    /// <summary>The reads through the console's own services, timed, and the table of their p50 and p95.</summary>
    private static async Task MeasureAsync(DbContextOptions<TokenConsoleDbContext> options, RollupShape shape, int events, int runs, string provider)
    {
        // The console's factory: a PostgresTokenConsoleDbContext for Npgsql options, the SQLite context otherwise.
        var factory = new TokenConsoleDbContextFactory(options);
        var clock = new FakeTimeProvider(Now);
        var heatmap = new HeatmapService(factory, clock);
        var drillDown = new DrillDownService(factory, heatmap);
        var overview = new OverviewService(factory, clock);
        var reports = new ReportsService(factory, clock);
        var today = ReportPeriod.Today(Now);
        var days90 = new HeatmapQuery(Period: HeatmapPeriod.Days90);
        var days365 = new HeatmapQuery(Period: HeatmapPeriod.Custom, From: today.AddDays(-364), To: today);
        var quarter = ReportPeriod.Quarter(2026, 3);
        var (region, industry) = (ReferenceCatalog.Regions.OrderByDescending(r => r.Gdp2023).First().Code, ReferenceCatalog.Industries.OrderByDescending(i => i.Share).First().Code);

        var check = await heatmap.GetAsync(days90);
        var report = await reports.GetAsync(quarter);
        var measured = new List<(string What, string Target, List<double> Times)>
        {
            ("heatmap, 90 days (+ the 90 before for growth)", "≤ 50 ms", Measure(runs, () => heatmap.GetAsync(days90).GetAwaiter().GetResult())),
            ("heatmap, 365 days (+ the 365 before)", "≤ 100 ms", Measure(runs, () => heatmap.GetAsync(days365).GetAwaiter().GetResult())),
            ($"drill-down of {region} × {industry}, 90 days", "—", Measure(runs, () => drillDown.GetAsync(region, industry, days90).GetAwaiter().GetResult())),
            ("overview (month to date, 90-day series, busiest pool)", "≤ 200 ms", Measure(runs, () => overview.GetAsync().GetAwaiter().GetResult())),
            ($"executive report, {quarter.From:yyyy-MM-dd}..{quarter.To:yyyy-MM-dd} (+ the quarter before)", "≤ 200 ms", Measure(runs, () => reports.GetAsync(quarter).GetAwaiter().GetResult())),
        };
        if (events > 0)
        {
            measured.Add(("baseline: GROUP BY over the raw events (90 days only)", "—", Measure(3, () => RawGroupBy(options, check.FromUtc, check.ToUtc))));
        }

        Console.WriteLine($"Provider: {provider}");
        Console.WriteLine($"Shape: {shape}{(events > 0 ? string.Create(CultureInfo.InvariantCulture, $", {events:N0} raw events over 90 days") : "")}");
        if (shape.HourlyRowsPerHour < 15_000)
        {
            // The default density is a third of the load generator's: a year at 15,000 rows an hour is 131M rows,
            // ~11 GB and, at the ~45,000 rows/s this generator reached on the shared 2-core machine, about 50 minutes.
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"note: {shape.HourlyRowsPerHour:N0} hourly rollup rows an hour, below the load generator's ~15,000 (--hourly-rows-per-hour 15000 for the real density)"));
        }
        Console.WriteLine($"| read ({provider}) | p50 | p95 | runs | target p95 |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var (what, target, times) in measured)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {what} | {P(times, 0.5):0.0} ms | {P(times, 0.95):0.0} ms | {times.Count} | {target} |"));
        }
        if (events > 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rollups faster than the raw GROUP BY by {P(measured[^1].Times, 0.5) / P(measured[0].Times, 0.5):0}× at p50 (target ≥ 20×)"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"check: heatmap 90 days {check.Total.Tokens:N0} tokens in {check.Cells.Count} cells; quarter report {report.Kpis.Tokens.Value:N0} tokens, ¥{report.Kpis.Revenue.Value:N2}"));
    }

    private static List<double> Measure(int runs, Action action)
    {
        action();
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var stopwatch = Stopwatch.StartNew();
            action();
            times.Add(stopwatch.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return times;
    }

    private static double P(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static void RawGroupBy(DbContextOptions<TokenConsoleDbContext> options, DateTime from, DateTime to)
    {
        using var db = TokenConsoleDbContextFactory.Create(options);
        var connection = db.Database.GetDbConnection();
        connection.Open();
        using var command = connection.CreateCommand();
        if (connection is NpgsqlConnection)
        {
            // The partitioned table; "Hour" (the partition key, ticks / TicksPerHour) bounds it too, so that only the
            // period's days' partitions are read.
            command.CommandText = """
                SELECT "RegionCode", "IndustryCode", SUM("InputTokens" + "OutputTokens"), COUNT(*), SUM("RevenueMicros"), SUM("ComputeCostMicros")
                FROM "UsageEvents" WHERE "Hour" >= @fromHour AND "Hour" <= @lastHour AND "Timestamp" >= @from AND "Timestamp" < @to
                GROUP BY "RegionCode", "IndustryCode"
                """;
            command.Parameters.Add(new NpgsqlParameter("fromHour", PostgresUsageEventTables.HourOf(from.Ticks)));
            command.Parameters.Add(new NpgsqlParameter("lastHour", PostgresUsageEventTables.HourOf(to.Ticks - 1)));
            command.Parameters.Add(new NpgsqlParameter("from", from.Ticks));
            command.Parameters.Add(new NpgsqlParameter("to", to.Ticks));
        }
        else
        {
            command.CommandText = """
                SELECT RegionCode, IndustryCode, SUM(InputTokens + OutputTokens), COUNT(*), SUM(RevenueMicros), SUM(ComputeCostMicros)
                FROM UsageEvents WHERE Timestamp >= $from AND Timestamp < $to GROUP BY RegionCode, IndustryCode
                """;
            command.Parameters.Add(new SqliteParameter("$from", from.Ticks));
            command.Parameters.Add(new SqliteParameter("$to", to.Ticks));
        }
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
        }
    }

    /// <summary>Raw events spread over the last 90 days by province GDP and industry, for the raw GROUP BY baseline only.</summary>
    private static void GenerateEvents(DbContextOptions<TokenConsoleDbContext> options, int events)
    {
        var random = new Random(7);
        var regions = ReferenceCatalog.Regions.Select(r => r.Code).ToArray();
        var regionWeights = RollupHistory.Cumulative(ReferenceCatalog.Regions.Select(r => r.Gdp2023));
        var industries = ReferenceCatalog.Industries.Select(i => i.Code).ToArray();
        var industryWeights = RollupHistory.Cumulative(ReferenceCatalog.Industries.Select(i => i.Share));
        var end = Now.UtcDateTime;
        var start = end.AddDays(-90);
        var span = (end - start).Ticks;
        var rows = new List<EventTableFill.Row>(events);
        for (var i = 0; i < events; i++)
        {
            var at = start.AddTicks((long)(random.NextDouble() * span)).Ticks;
            rows.Add(new EventTableFill.Row(Guid.NewGuid().ToString(), at, regions[RollupHistory.Pick(regionWeights, random.NextDouble())],
                industries[RollupHistory.Pick(industryWeights, random.NextDouble())], 200 + random.Next(4000), 50 + random.Next(1200)));
        }
        using var db = TokenConsoleDbContextFactory.Create(options);
        if (TokenConsoleDbContextFactory.IsPostgreSQL(options))
        {
            // Into the partitioned table by binary COPY (PostgresEventFill), a day's partition made and filled per transaction.
            var connectionString = db.Database.GetConnectionString()!;
            foreach (var day in rows.GroupBy(r => UsageEventTables.DayOf(r.Timestamp)))
            {
                PostgresEventFill.CopyPerSecond(connectionString, [.. day]);
            }
            return;
        }
        // Into the days' tables (UsageEventTables), as the writer stores them; the view UsageEvents reads them back.
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        connection.Open();
        UsageEventTables.Prepare(connection);
        foreach (var day in rows.GroupBy(r => UsageEventTables.DayOf(r.Timestamp)))
        {
            EventTableFill.FillDay(connection, day.Key, [.. day]);
        }
    }
}
