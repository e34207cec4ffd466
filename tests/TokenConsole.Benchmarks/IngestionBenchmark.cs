using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using TokenConsole.LoadGen;

namespace TokenConsole.Benchmarks;

/// <summary>
/// Usage ingestion end to end: the built console as a process, the load generator posting 5,000-event batches over HTTP
/// (validation, rating, the event, its rollups and a durable commit), against the baseline of the same rows inserted
/// with raw prepared SQLite statements in one transaction into the same events table. Targets (ENGINEERING.md):
/// ≥ 100,000 events/s, ratio ≥ 0.5.
/// </summary>
internal static class IngestionBenchmark
{
    private const string Key = "benchmark-ingestion-key";
    private const int WarmUpEvents = 300_000;

    public static async Task RunAsync(int events, bool nativeBinding = true)
    {
        var folder = Directory.CreateTempSubdirectory("tokenconsole-ingest-").FullName;
        var database = Path.Combine(folder, "ingest.db");
        try
        {
            LoadReport report;
            IReadOnlyList<byte[]> bodies;
            await using (var app = await AppProcess.StartAsync(new Dictionary<string, string>
            {
                ["ConnectionStrings__TokenConsole"] = $"Data Source={database}",
                ["Demo__Days"] = "2",
                ["Demo__EventHours"] = "1",
                ["Ingestion__ApiKeys__0"] = Key,
                ["Ingestion__NativeBinding"] = nativeBinding ? "true" : "false",
            }))
            {
                var options = new LoadOptions(new Uri(app.BaseUrl), Key, database, events, 5_000, Concurrency: 4, Duplicates: 0);
                bodies = await LoadGenerator.PrepareAsync(options, CancellationToken.None);
                // A warm-up on other events, then the measured run. The server's hot loops reach the JIT's optimized tier only
                // after a few hundred thousand events (the writer's CPU per event falls from about 9 µs to 5.5 µs over the
                // first 500,000); a console that ingests all day runs that code, so that is what is measured.
                await LoadGenerator.RunAsync(options with { Events = WarmUpEvents, Seed = 99 }, Console.Out, CancellationToken.None);
                report = await LoadGenerator.RunAsync(options, bodies, Console.Out, CancellationToken.None);
            }
            var baseline = RawInserts(bodies, Path.Combine(folder, "baseline.db"));
            Console.WriteLine($"Ingestion end to end over HTTP ({Repository.Configuration} build, {events:N0} events after a warm-up of {WarmUpEvents:N0}, 5,000 per request, 4 concurrent requests, {(nativeBinding ? "native" : "SQLitePCL")} binding)");
            Console.WriteLine("| what | events/s | |");
            Console.WriteLine("|---|---|---|");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| console API (validate, rate, store, roll up, commit) | {report.AcceptedPerSecond:N0} | p50 {report.P50Ms:0} ms, p95 {report.P95Ms:0} ms per request; accepted {report.Accepted:N0}, 429 {report.Throttled} |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| baseline: raw prepared INSERTs, one transaction | {baseline:N0} | same rows, same table and unique index |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio {report.AcceptedPerSecond / baseline:0.00} (target ≥ 0.5); target ≥ 100,000 events/s"));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static double RawInserts(IReadOnlyList<byte[]> bodies, string path)
    {
        var rows = bodies.SelectMany(body => JsonDocument.Parse(body).RootElement.GetProperty("events").EnumerateArray()
            .Select(e => (Id: e.GetProperty("id").GetString()!, Timestamp: e.GetProperty("timestamp").GetDateTimeOffset().UtcTicks,
                Region: e.GetProperty("region").GetString()!, Industry: e.GetProperty("industry").GetString()!,
                Input: e.GetProperty("inputTokens").GetInt64(), Output: e.GetProperty("outputTokens").GetInt64()))).ToList();
        using var connection = new SqliteConnection($"Data Source={path}");
        connection.Open();
        using (var ddl = connection.CreateCommand())
        {
            // The same pragmas as the console's writer (WAL, FULL, a 64 MiB page cache): with SQLite's default 2 MiB cache
            // the baseline's one big transaction would spill pages to the WAL midway and be slowed by a setting, not by work.
            ddl.CommandText = """
                PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-65536;
                CREATE TABLE UsageEvents (Id INTEGER NOT NULL CONSTRAINT PK_UsageEvents PRIMARY KEY, EventId TEXT NOT NULL, Timestamp INTEGER NOT NULL,
                    CustomerId INTEGER NOT NULL, PackageId INTEGER NOT NULL, ModelId INTEGER NOT NULL, PoolId INTEGER NOT NULL, RegionCode TEXT NOT NULL,
                    IndustryCode TEXT NOT NULL, InputTokens INTEGER NOT NULL, OutputTokens INTEGER NOT NULL, RevenueMicros INTEGER NOT NULL, ComputeCostMicros INTEGER NOT NULL, IngestedAt INTEGER NOT NULL);
                CREATE UNIQUE INDEX IX_UsageEvents_EventId ON UsageEvents (EventId);
                """;
            ddl.ExecuteNonQuery();
        }
        var stopwatch = Stopwatch.StartNew();
        using (var transaction = connection.BeginTransaction())
        {
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO UsageEvents (EventId, Timestamp, CustomerId, PackageId, ModelId, PoolId, RegionCode, IndustryCode, InputTokens, OutputTokens, RevenueMicros, ComputeCostMicros, IngestedAt) VALUES ($a,$b,1,1,1,1,$c,$d,$e,$f,100000,50000,$b)";
            var p = new[] { "$a", "$b", "$c", "$d", "$e", "$f" }.Select(n => insert.Parameters.Add(new SqliteParameter(n, null))).ToArray();
            insert.Prepare();
            foreach (var row in rows)
            {
                p[0].Value = row.Id;
                p[1].Value = row.Timestamp;
                p[2].Value = row.Region;
                p[3].Value = row.Industry;
                p[4].Value = row.Input;
                p[5].Value = row.Output;
                insert.ExecuteNonQuery();
            }
            transaction.Commit();
        }
        return rows.Count / stopwatch.Elapsed.TotalSeconds;
    }
}
