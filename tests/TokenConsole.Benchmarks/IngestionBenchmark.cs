using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using TokenConsole.LoadGen;

namespace TokenConsole.Benchmarks;

/// <summary>
/// Usage ingestion end to end: the built console as a process, the load generator posting 5,000-event batches over HTTP
/// (validation, rating, the event, its rollups and a durable commit). Real shapes by default (issue 14): random (UUID)
/// event ids, and a second run on a database whose events table already holds <c>--prefill</c> rows spread over the
/// accepted window. Each run's baseline is the same rows written natively (<see cref="EventTableFill"/>) into the same
/// database, tables and indexes right after it. Targets (ENGINEERING.md, issue 14): ≥ 100,000 events/s, ratio ≥ 0.5,
/// and the prefilled run ≥ 0.8 × the empty one.
/// </summary>
internal static class IngestionBenchmark
{
    private const string Key = "benchmark-ingestion-key";
    private const int WarmUpEvents = 300_000;

    public static async Task RunAsync(int events, bool nativeBinding, IdShape ids, long prefill, bool postgres = false)
    {
        var folder = Directory.CreateTempSubdirectory("tokenconsole-ingest-").FullName;
        // On PostgreSQL (issue 15) a throw-away database on the server TC_TEST_POSTGRES names (the tests' default: a local one).
        using var emptyPostgres = postgres ? new PostgresTestDatabase() : null;
        using var fullPostgres = postgres && prefill > 0 ? new PostgresTestDatabase() : null;
        try
        {
            var empty = await MeasureAsync(emptyPostgres?.ConnectionString ?? Path.Combine(folder, "empty.db"), events, nativeBinding, ids, prefill: 0);
            var full = prefill > 0 ? await MeasureAsync(fullPostgres?.ConnectionString ?? Path.Combine(folder, "prefilled.db"), events, nativeBinding, ids, prefill) : default;
            Console.WriteLine($"Ingestion end to end over HTTP ({Repository.Configuration} build, {(postgres ? "PostgreSQL 15 on the same machine" : "SQLite")}, {events:N0} events after a warm-up of {WarmUpEvents:N0}, 5,000 per request, 4 concurrent requests, {(postgres ? "" : nativeBinding ? "native binding, " : "SQLitePCL binding, ")}{(ids == IdShape.Uuid ? "UUID" : "sequential")} event ids)");
            Console.WriteLine(postgres
                ? "| events already stored | console API (validate, rate, store, roll up, commit) | p50 / p95 per request | baseline: the same rows by binary COPY into the same table and key | ratio |"
                : "| events already stored | console API (validate, rate, store, roll up, commit) | p50 / p95 per request | baseline: the same rows written natively into the same tables | ratio |");
            Console.WriteLine("|---|---|---|---|---|");
            Row(empty);
            if (prefill > 0)
            {
                Row(full);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"prefilled / empty {full.Report.AcceptedPerSecond / empty.Report.AcceptedPerSecond:0.00} (target ≥ 0.8); targets {(postgres ? "≥ 30,000" : "≥ 100,000")} events/s and ratio ≥ 0.5"));
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void Row(Run run) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {run.Stored:N0} | {run.Report.AcceptedPerSecond:N0} events/s (accepted {run.Report.Accepted:N0}, 429 {run.Report.Throttled}) | {run.Report.P50Ms:0} / {run.Report.P95Ms:0} ms | {run.Baseline:N0} rows/s | {run.Report.AcceptedPerSecond / run.Baseline:0.00} |"));

    private readonly record struct Run(long Stored, LoadReport Report, double Baseline);

    /// <param name="database">A SQLite file, or a PostgreSQL connection string (<c>Host=…</c>).</param>
    private static async Task<Run> MeasureAsync(string database, int events, bool nativeBinding, IdShape ids, long prefill)
    {
        var postgres = database.StartsWith("Host=", StringComparison.OrdinalIgnoreCase);
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__TokenConsole"] = postgres ? database : $"Data Source={database}",
            ["Database__Provider"] = postgres ? "PostgreSQL" : "Sqlite",
            ["Demo__Days"] = "2",
            ["Demo__EventHours"] = "1",
            ["Ingestion__ApiKeys__0"] = Key,
            ["Ingestion__NativeBinding"] = nativeBinding ? "true" : "false",
            // Retention looks for expired days after every batch, so that a day put past it mid-run is dropped under load.
            ["Ingestion__EventRetentionIntervalMinutes"] = "0",
        };
        if (prefill > 0)
        {
            // Migrate and seed, then fill the events table with the app stopped (the single writer is the app's own).
            await (await AppProcess.StartAsync(environment)).DisposeAsync();
            var fill = postgres ? PostgresEventFill.Prefill(database, prefill, DateTimeOffset.UtcNow) : EventTableFill.Prefill(database, prefill, DateTimeOffset.UtcNow);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"prefilled {prefill:N0} events over the last 30 days in {fill.TotalSeconds:0} s"));
        }
        LoadReport report;
        IReadOnlyList<byte[]> bodies;
        var dropped = 0;
        await using (var app = await AppProcess.StartAsync(environment,
            line => { if (line.Contains("past their retention dropped", StringComparison.Ordinal)) { Interlocked.Increment(ref dropped); } }))
        {
            var options = new LoadOptions(new Uri(app.BaseUrl), Key, database, events, 5_000, Concurrency: 4, Duplicates: 0, Ids: ids);
            bodies = await LoadGenerator.PrepareAsync(options, CancellationToken.None);
            // A warm-up on other events, then the measured run. The server's hot loops reach the JIT's optimized tier only
            // after a few hundred thousand events (the writer's CPU per event falls from about 9 µs to 5.5 µs over the
            // first 500,000); a console that ingests all day runs that code, so that is what is measured.
            await LoadGenerator.RunAsync(options with { Events = WarmUpEvents, Seed = 99 }, Console.Out, CancellationToken.None);
            report = await LoadGenerator.RunAsync(options, bodies, Console.Out, CancellationToken.None);
            if (prefill > 0)
            {
                // The window passing: a day as busy as the prefilled ones put past the retention while the app is idle;
                // the writer drops it after the first batch of the next run, under that run's load.
                var dayRows = (int)(prefill / 30);
                if (postgres)
                {
                    PostgresEventFill.AddDay(database, daysAgo: 45, dayRows, DateTimeOffset.UtcNow);
                }
                else
                {
                    EventTableFill.AddDay(database, daysAgo: 45, dayRows, DateTimeOffset.UtcNow);
                }
                var next = options with { Seed = 5 };
                var whileDropping = await LoadGenerator.RunAsync(next, await LoadGenerator.PrepareAsync(next, CancellationToken.None), Console.Out, CancellationToken.None);
                // The same load once more with nothing to drop: the runs before and after bracket the one with the drop
                // (each run adds 400,000 events to today's table).
                var after = options with { Seed = 6 };
                var withoutDrop = await LoadGenerator.RunAsync(after, await LoadGenerator.PrepareAsync(after, CancellationToken.None), Console.Out, CancellationToken.None);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"retention: the same load while a day of {dayRows:N0} events past the window is dropped: {whileDropping.AcceptedPerSecond:N0} events/s, {whileDropping.AcceptedPerSecond / report.AcceptedPerSecond:0.00} × the run before it and {whileDropping.AcceptedPerSecond / withoutDrop.AcceptedPerSecond:0.00} × the run after it ({withoutDrop.AcceptedPerSecond:N0} events/s, nothing to drop; target ≥ 0.9); days dropped {dropped}"));
            }
        }
        var rows = bodies.SelectMany(body => JsonDocument.Parse(body).RootElement.GetProperty("events").EnumerateArray()
            .Select(e => new EventTableFill.Row(e.GetProperty("id").GetString()! + "-baseline", e.GetProperty("timestamp").GetDateTimeOffset().UtcTicks,
                e.GetProperty("region").GetString()!, e.GetProperty("industry").GetString()!, e.GetProperty("inputTokens").GetInt64(), e.GetProperty("outputTokens").GetInt64()))).ToList();
        return new Run(prefill, report, postgres ? PostgresEventFill.CopyPerSecond(database, rows) : EventTableFill.InsertPerSecond(database, rows));
    }
}
