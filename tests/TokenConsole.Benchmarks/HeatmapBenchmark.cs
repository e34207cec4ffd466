using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
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

    public static async Task RunAsync(RollupShape shape, int events, int runs, string? keep)
    {
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
                await using (var db = new TokenConsoleDbContext(options))
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
                await File.WriteAllTextAsync(stamp, described);
            }
            else
            {
                // A database migrated by an older build: bring its schema to this build's before measuring.
                await using var db = new TokenConsoleDbContext(options);
                var pending = (await db.Database.GetPendingMigrationsAsync()).ToList();
                var migration = Stopwatch.StartNew();
                await db.Database.MigrateAsync();
                if (pending.Count > 0)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"migrated ({string.Join(", ", pending)}) in {migration.Elapsed.TotalSeconds:0.0} s"));
                }
            }
            SqliteConnection.ClearAllPools();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"database {new FileInfo(path).Length / 1048576.0:N0} MiB"));

            var factory = new Factory(options);
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

            Console.WriteLine($"Shape: {shape}{(events > 0 ? string.Create(CultureInfo.InvariantCulture, $", {events:N0} raw events over 90 days") : "")}");
            if (shape.HourlyRowsPerHour < 15_000)
            {
                // The default density is a third of the load generator's: a year at 15,000 rows an hour is 131M rows,
                // ~11 GB and, at the ~45,000 rows/s this generator reached on the shared 2-core machine, about 50 minutes.
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"note: {shape.HourlyRowsPerHour:N0} hourly rollup rows an hour, below the load generator's ~15,000 (--hourly-rows-per-hour 15000 for the real density)"));
            }
            Console.WriteLine("| read | p50 | p95 | runs | target p95 |");
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
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
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
        using var db = new TokenConsoleDbContext(options);
        var connection = db.Database.GetDbConnection();
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT RegionCode, IndustryCode, SUM(InputTokens + OutputTokens), COUNT(*), SUM(RevenueMicros), SUM(ComputeCostMicros)
            FROM UsageEvents WHERE Timestamp >= $from AND Timestamp < $to GROUP BY RegionCode, IndustryCode
            """;
        command.Parameters.Add(new SqliteParameter("$from", from.Ticks));
        command.Parameters.Add(new SqliteParameter("$to", to.Ticks));
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
        // Into the days' tables (UsageEventTables), as the writer stores them; the view UsageEvents reads them back.
        using var db = new TokenConsoleDbContext(options);
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        connection.Open();
        UsageEventTables.Prepare(connection);
        var rows = new List<EventTableFill.Row>(events);
        for (var i = 0; i < events; i++)
        {
            var at = start.AddTicks((long)(random.NextDouble() * span)).Ticks;
            rows.Add(new EventTableFill.Row(Guid.NewGuid().ToString(), at, regions[RollupHistory.Pick(regionWeights, random.NextDouble())],
                industries[RollupHistory.Pick(industryWeights, random.NextDouble())], 200 + random.Next(4000), 50 + random.Next(1200)));
        }
        foreach (var day in rows.GroupBy(r => UsageEventTables.DayOf(r.Timestamp)))
        {
            EventTableFill.FillDay(connection, day.Key, [.. day]);
        }
    }

    private sealed class Factory(DbContextOptions<TokenConsoleDbContext> options) : IDbContextFactory<TokenConsoleDbContext>
    {
        public TokenConsoleDbContext CreateDbContext() => new(options);
    }
}
