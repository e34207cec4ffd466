using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using TokenConsole.Data;
using TokenConsole.Data.Seeding;
using TokenConsole.Features.Usage;

namespace TokenConsole.Benchmarks;

/// <summary>
/// The consumption heatmap (31 regions × 15 industries, 90 days, with the previous 90 days for growth) on a database
/// holding <c>N</c> raw usage events (default 10 million) and their rollups, through the console's own HeatmapService,
/// against the baseline of one GROUP BY over the raw events for the same 90 days. Targets (ENGINEERING.md): ≤ 50 ms p95,
/// and the rollups win by ≥ 20×.
/// </summary>
internal static class HeatmapBenchmark
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 4, 0, 0, TimeSpan.Zero);

    public static async Task RunAsync(int events)
    {
        var folder = Directory.CreateTempSubdirectory("tokenconsole-heatmap-").FullName;
        var options = new DbContextOptionsBuilder<TokenConsoleDbContext>().UseSqlite($"Data Source={Path.Combine(folder, "heatmap.db")}").Options;
        try
        {
            await using (var db = new TokenConsoleDbContext(options))
            {
                await db.Database.MigrateAsync();
                await DatabaseInitializer.SeedReferenceDataAsync(db, CancellationToken.None);
            }
            var generation = Stopwatch.StartNew();
            var rollups = Generate(options, events);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"generated {events:N0} events and {rollups:N0} daily rollup rows in {generation.Elapsed.TotalSeconds:0} s"));

            var service = new HeatmapService(new Factory(options), new FakeTimeProvider(Now));
            var query = new HeatmapQuery(Period: HeatmapPeriod.Days90);
            var heatmap = await service.GetAsync(query);
            var (from, to) = (heatmap.FromUtc, heatmap.ToUtc);
            var rollupTimes = Measure(30, () => service.GetAsync(query).GetAwaiter().GetResult());
            var rawTimes = Measure(3, () => RawGroupBy(options, from, to));

            Console.WriteLine($"Heatmap, 31 × 15 cells, 90 days (+ the previous 90 days for growth), {events:N0} events in the database");
            Console.WriteLine("| query | p50 | p95 | runs |");
            Console.WriteLine("|---|---|---|---|");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| HeatmapService (daily region × industry rollup) | {P(rollupTimes, 0.5):0.0} ms | {P(rollupTimes, 0.95):0.0} ms | {rollupTimes.Count} |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| baseline: GROUP BY over the raw events (90 days only) | {P(rawTimes, 0.5):0.0} ms | {P(rawTimes, 0.95):0.0} ms | {rawTimes.Count} |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rollups faster by {P(rawTimes, 0.5) / P(rollupTimes, 0.5):0}× at p50 (target ≥ 20×); target ≤ 50 ms p95"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"check: heatmap total {heatmap.Total.Tokens:N0} tokens in {heatmap.Cells.Count} cells"));
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

    /// <summary>
    /// Events spread over 90 days by province GDP and industry, written with the daily region × industry rollup
    /// that the measured query reads. (The hourly rollups are not generated: of them the heatmap reads only the first
    /// part-day of the previous period, 12 hours at this benchmark's noon in Beijing, which therefore costs less here than
    /// in production.)
    /// </summary>
    private static long Generate(DbContextOptions<TokenConsoleDbContext> options, int events)
    {
        var random = new Random(42);
        var regions = ReferenceCatalog.Regions.Select(r => r.Code).ToArray();
        var regionWeights = Cumulative(ReferenceCatalog.Regions.Select(r => r.Gdp2023));
        var industries = ReferenceCatalog.Industries.Select(i => i.Code).ToArray();
        var industryWeights = Cumulative(ReferenceCatalog.Industries.Select(i => i.Share));
        var end = Now.UtcDateTime;
        var start = end.AddDays(-90);
        var span = (end - start).Ticks;
        var daily = new Dictionary<(long, string, string), (long T, long C, long R, long K)>();

        using var db = new TokenConsoleDbContext(options);
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        connection.Open();
        using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;";
            pragma.ExecuteNonQuery();
        }
        var transaction = connection.BeginTransaction();
        var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO UsageEvents (EventId, Timestamp, CustomerId, PackageId, ModelId, PoolId, RegionCode, IndustryCode, InputTokens, OutputTokens, RevenueMicros, ComputeCostMicros, IngestedAt) VALUES ($a,$b,$c,$d,$e,$f,$g,$h,$i,$j,$k,$l,$b)";
        var p = new[] { "$a", "$b", "$c", "$d", "$e", "$f", "$g", "$h", "$i", "$j", "$k", "$l" }.Select(n => insert.Parameters.Add(new SqliteParameter(n, null))).ToArray();
        insert.Transaction = transaction;
        insert.Prepare();
        for (var i = 0; i < events; i++)
        {
            var at = start.AddTicks((long)(random.NextDouble() * span));
            var region = regions[Pick(regionWeights, random.NextDouble())];
            var industry = industries[Pick(industryWeights, random.NextDouble())];
            int model = 1 + random.Next(12), package = 1 + random.Next(20), pool = 1 + random.Next(13), customer = 1 + random.Next(2000);
            long input = 200 + random.Next(4000), output = 50 + random.Next(1200);
            var revenue = (input + output) * 4L; // micro-yuan: ¥4 per million tokens
            var cost = (input + output) * 3L / 2;
            p[0].Value = $"bench-{i:x}"; p[1].Value = at.Ticks; p[2].Value = customer; p[3].Value = package; p[4].Value = model; p[5].Value = pool;
            p[6].Value = region; p[7].Value = industry; p[8].Value = input; p[9].Value = output; p[10].Value = revenue; p[11].Value = cost;
            insert.ExecuteNonQuery();
            var dayKey = (BusinessCalendar.DayStartUtc(at).Ticks, region, industry);
            var d = daily.GetValueOrDefault(dayKey);
            daily[dayKey] = (d.T + input + output, d.C + 1, d.R + revenue, d.K + cost);
            if (i % 500_000 == 499_999)
            {
                transaction.Commit();
                transaction = connection.BeginTransaction();
                insert.Transaction = transaction;
            }
        }
        using (var cell = connection.CreateCommand())
        {
            cell.Transaction = transaction;
            cell.CommandText = "INSERT INTO RegionIndustryDaily (Day, RegionCode, IndustryCode, Tokens, Calls, RevenueMicros, ComputeCostMicros) VALUES ($a,$b,$c,$e,$f,$g,$h)";
            var c = new[] { "$a", "$b", "$c", "$e", "$f", "$g", "$h" }.Select(n => cell.Parameters.Add(new SqliteParameter(n, null))).ToArray();
            foreach (var ((day, region, industry), v) in daily)
            {
                c[0].Value = day; c[1].Value = region; c[2].Value = industry; c[3].Value = v.T; c[4].Value = v.C; c[5].Value = v.R; c[6].Value = v.K;
                cell.ExecuteNonQuery();
            }
        }
        transaction.Commit();
        transaction.Dispose();
        insert.Dispose();
        return daily.Count;
    }

    private static double[] Cumulative(IEnumerable<double> weights)
    {
        var list = weights.ToArray();
        var total = list.Sum();
        var running = 0.0;
        return [.. list.Select(w => running += w / total)];
    }

    private static int Pick(double[] cumulative, double u)
    {
        var i = Array.BinarySearch(cumulative, u);
        return Math.Min(i < 0 ? ~i : i, cumulative.Length - 1);
    }

    private sealed class Factory(DbContextOptions<TokenConsoleDbContext> options) : IDbContextFactory<TokenConsoleDbContext>
    {
        public TokenConsoleDbContext CreateDbContext() => new(options);
    }
}
