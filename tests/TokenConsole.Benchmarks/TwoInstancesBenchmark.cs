using System.Diagnostics;
using System.Globalization;
using Npgsql;
using TokenConsole.LoadGen;

namespace TokenConsole.Benchmarks;

/// <summary>
/// Two console processes on one PostgreSQL database (issue 15): their combined ingestion throughput over HTTP beside one
/// instance's in the same run, and the same events sent to both at once — stored once, the other copy recognised as a
/// duplicate (the count of events stored twice must be 0). Both processes, the load generators and the server share the
/// machine's two cores.
/// </summary>
internal static class TwoInstancesBenchmark
{
    private const string Key = "benchmark-two-instances-key";
    private const int WarmUpEvents = 300_000;

    public static async Task RunAsync(int events)
    {
        using var database = new PostgresTestDatabase();
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__TokenConsole"] = database.ConnectionString,
            ["Database__Provider"] = "PostgreSQL",
            ["Demo__Days"] = "2",
            ["Demo__EventHours"] = "1",
            ["Ingestion__ApiKeys__0"] = Key,
        };
        // Migrate and seed once.
        await (await AppProcess.StartAsync(environment)).DisposeAsync();
        Console.WriteLine($"Two instances on one PostgreSQL 15 database ({Repository.Configuration} build, {events:N0} events per run, 5,000 per request, 4 concurrent requests per instance, UUID ids)");

        LoadReport one;
        await using (var single = await AppProcess.StartAsync(environment))
        {
            var options = Options(single, database.ConnectionString, events, seed: 1);
            await LoadGenerator.RunAsync(options with { Events = WarmUpEvents, Seed = 99 }, TextWriter.Null, CancellationToken.None);
            one = await LoadGenerator.RunAsync(options, await LoadGenerator.PrepareAsync(options, CancellationToken.None), TextWriter.Null, CancellationToken.None);
        }

        // What the instances log at error level, to say why a request failed.
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        void Watch(string line)
        {
            if (line.StartsWith("fail:", StringComparison.Ordinal) || line.Contains("Exception", StringComparison.Ordinal))
            {
                errors.Enqueue(line);
            }
        }
        await using var first = await AppProcess.StartAsync(environment, Watch);
        await using var second = await AppProcess.StartAsync(environment, Watch);
        await Task.WhenAll(
            LoadGenerator.RunAsync(Options(first, database.ConnectionString, WarmUpEvents, seed: 97), TextWriter.Null, CancellationToken.None),
            LoadGenerator.RunAsync(Options(second, database.ConnectionString, WarmUpEvents, seed: 98), TextWriter.Null, CancellationToken.None));

        // Different events to each: what the two take together.
        var a = Options(first, database.ConnectionString, events / 2, seed: 2);
        var b = Options(second, database.ConnectionString, events / 2, seed: 3);
        var bodiesA = await LoadGenerator.PrepareAsync(a, CancellationToken.None);
        var bodiesB = await LoadGenerator.PrepareAsync(b, CancellationToken.None);
        var clock = Stopwatch.StartNew();
        var split = await Task.WhenAll(LoadGenerator.RunAsync(a, bodiesA, TextWriter.Null, CancellationToken.None), LoadGenerator.RunAsync(b, bodiesB, TextWriter.Null, CancellationToken.None));
        var combined = (split[0].Accepted + split[1].Accepted) / clock.Elapsed.TotalSeconds;

        // The same events to both at once.
        var same = Options(first, database.ConnectionString, events, seed: 4);
        var bodies = await LoadGenerator.PrepareAsync(same, CancellationToken.None);
        var storedBefore = Count(database.ConnectionString);
        clock.Restart();
        var both = await Task.WhenAll(
            LoadGenerator.RunAsync(same, bodies, TextWriter.Null, CancellationToken.None),
            LoadGenerator.RunAsync(same with { Url = new Uri(second.BaseUrl) }, bodies, TextWriter.Null, CancellationToken.None));
        var seconds = clock.Elapsed.TotalSeconds;
        var stored = Count(database.ConnectionString) - storedBefore;
        var accepted = both[0].Accepted + both[1].Accepted;
        var duplicates = both[0].Duplicates + both[1].Duplicates;

        Console.WriteLine("| run | events/s over HTTP | p50 / p95 | notes |");
        Console.WriteLine("|---|---|---|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| one instance | {one.AcceptedPerSecond:N0} | {one.P50Ms:0} / {one.P95Ms:0} ms | baseline of this run |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| two instances, different events | {combined:N0} combined ({combined / one.AcceptedPerSecond:0.00} × one) | {split[0].P50Ms:0} / {split[0].P95Ms:0} ms and {split[1].P50Ms:0} / {split[1].P95Ms:0} ms | failed requests {split[0].Failed + split[1].Failed} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| two instances, the same {events:N0} events to both | {2 * events / seconds:N0} answered | {both[0].P50Ms:0} / {both[0].P95Ms:0} ms | accepted {accepted:N0}, duplicates {duplicates:N0}, stored {stored:N0}: stored twice {stored - events:N0}, lost {events - Math.Min(events, stored):N0}; failed requests {both[0].Failed + both[1].Failed} |"));
        Console.WriteLine($"error lines the instances logged: {errors.Count}");
        foreach (var line in errors.Take(12))
        {
            Console.WriteLine("  " + line);
        }
    }

    private static LoadOptions Options(AppProcess app, string database, int events, int seed) =>
        new(new Uri(app.BaseUrl), Key, database, events, 5_000, Concurrency: 4, Duplicates: 0, Seed: seed, Ids: IdShape.Uuid);

    private static long Count(string connectionString)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand("""SELECT count(*) FROM "UsageEvents" """, connection);
        return (long)command.ExecuteScalar()!;
    }
}
