using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TokenConsole.Auth;
using TokenConsole.Data;
using TokenConsole.Data.Writes;
using TokenConsole.Features.Billing;

namespace TokenConsole.Benchmarks;

/// <summary>
/// The bill run of one Beijing month (November 2026) over <c>N</c> customers with a subscription each (default 200,000),
/// through the console's own <see cref="BillRunService"/> as the scheduler runs it, on a migrated SQLite file holding the
/// month's usage, fees, top-ups and credit notes (<see cref="BillingData"/>); beside it, in the same run and on the same
/// file, one SQL aggregation of the month's usage (SUM of tokens and charges GROUP BY customer, model). Each run bills a
/// fresh copy of the generated file, then checks the bills against the data: one per customer with anything to bill, and
/// their totals the sum of the fee, top-up, usage and late-usage lines less the credits, each rounded to the fen.
/// Target (issue 13): ≤ 60 s.
/// </summary>
internal static class BillRunBenchmark
{
    private static readonly BillMonth Month = new(2026, 11);

    /// <param name="customers">Customers (one subscription each) in the database.</param>
    /// <param name="keep">A database file to keep: generated on the first run, reused by the next ones; each run bills a copy of it.
    /// Null: a temporary file, deleted after the run.</param>
    /// <param name="runs">Bill runs, each on a fresh copy of the generated file.</param>
    /// <param name="batchSize">Customers per transaction (<c>Billing:BillRunBatchSize</c>); null: the console's default.</param>
    public static async Task RunAsync(int customers, string? keep, int runs, int? batchSize = null)
    {
        var folder = Directory.CreateTempSubdirectory("tokenconsole-billrun-").FullName;
        var file = keep ?? Path.Combine(folder, "billing.db");
        try
        {
            if (File.Exists(file))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"reused {file}"));
            }
            else
            {
                await GenerateAsync(file, customers);
            }
            var expected = Expect(file);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"data: {expected.Customers:N0} customers, {expected.UsageRows:N0} usage rows (customer × model × day) in {Month}, {expected.FeeRows:N0} fee rows, {expected.TopUps:N0} top-ups, {expected.Credits:N0} credit notes, {expected.LateGroups:N0} late usage groups"));

            // The generated month holds its recognized fees already (RevenueDaily): the run does not recognize them again.
            var options = new BillingOptions { RecognizeFees = false };
            options.BillRunBatchSize = batchSize ?? options.BillRunBatchSize;
            var results = new List<(double Baseline, double Run, double Again, int Bills, long Lines, string Load)>();
            for (var i = 0; i < runs; i++)
            {
                var work = Path.Combine(folder, "run.db");
                File.Copy(file, work, overwrite: true);
                // Written to disk before anything is timed: the copy's write-back would otherwise compete with the run.
                using (var copy = new FileStream(work, FileMode.Open, FileAccess.ReadWrite))
                {
                    copy.Flush(flushToDisk: true);
                }
                var baseline = Aggregate(work, out var groups);
                var (run, bills, lines, again) = await BillAsync(work, options);
                Check(work, expected, groups);
                results.Add((baseline, run, again, bills, lines, LoadAverage()));
                SqliteConnection.ClearAllPools();
                File.Delete(work);
            }

            Console.WriteLine($"Bill run of {Month}, {customers:N0} subscriptions, batches of {options.BillRunBatchSize:N0} ({Repository.Configuration} build, one SQLite file, a fresh copy per run; run 1 is the process's first: EF builds its model, the code is compiled)");
            Console.WriteLine("| run | bill run (BillRunService, as the scheduler) | baseline: one SQL aggregation of the month's usage | ratio | bills issued | lines | the month run again (nothing new) | load average after |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|");
            foreach (var (r, n) in results.Select((r, n) => (r, n + 1)))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {n} | {r.Run:0.0} s | {r.Baseline:0.00} s | {r.Run / r.Baseline:0.0}× | {r.Bills:N0} | {r.Lines:N0} | {r.Again:0.0} s | {r.Load} |"));
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"checked: bills = customers with anything to bill ({expected.Bills:N0}); Σ bill totals = Σ fee + top-up + usage + late-usage lines − credits, each line rounded to the fen once (¥{expected.TotalFen / 100m:N2}; unrounded data ¥{expected.ExactMicros / 1_000_000m:N6})"));
            Console.WriteLine("target: ≤ 60 s for 200,000 subscriptions");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task GenerateAsync(string file, int customers)
    {
        var watch = Stopwatch.StartNew();
        var options = new DbContextOptionsBuilder<TokenConsoleDbContext>().UseSqlite($"Data Source={file}").Options;
        var catalog = await BillingData.CreateAsync(options, Month.StartUtc);
        SqliteConnection.ClearAllPools();
        using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        connection.Open();
        Execute(connection, "PRAGMA synchronous=OFF; PRAGMA cache_size=-262144;");
        BillingData.InsertCustomers(connection, customers, seed: 13);
        var data = BillingData.InsertMonth(connection, catalog, Month, seed: 1311);
        // The console's tables, checkpointed into the main file so that a copy of it is the whole database.
        Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE);");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"generated {customers:N0} customers and subscriptions, {data.UsageRows:N0} usage rows, {data.FeeRows:N0} fee rows, {data.TopUps:N0} top-ups, {data.PreviousBills:N0} bills of the month before, {data.Credits:N0} credit notes, {data.LateUsageRows:N0} late usage rows in {watch.Elapsed.TotalSeconds:0} s ({new FileInfo(file).Length / 1_048_576:N0} MiB)"));
    }

    /// <summary>The baseline: the month's usage summed per customer and model in one statement, every row read. Seconds.</summary>
    private static double Aggregate(string file, out Dictionary<(int Customer, int Model), long> revenue)
    {
        using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT CustomerId, ModelId, SUM(Tokens), SUM(OverageTokens), SUM(RevenueMicros) FROM CustomerDailyUsage
            WHERE Day >= $start AND Day < $end GROUP BY CustomerId, ModelId
            """;
        command.Parameters.AddWithValue("$start", Month.StartUtc.Ticks);
        command.Parameters.AddWithValue("$end", Month.EndUtc.Ticks);
        var watch = Stopwatch.StartNew();
        revenue = [];
        long tokens = 0;
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                tokens += reader.GetInt64(2) + reader.GetInt64(3);
                revenue[(reader.GetInt32(0), reader.GetInt32(1))] = reader.GetInt64(4);
            }
        }
        watch.Stop();
        if (tokens <= 0)
        {
            throw new InvalidOperationException("The baseline summed no usage.");
        }
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>The real bill run (seconds), then the same month again, which must issue nothing.</summary>
    private static async Task<(double Seconds, int Bills, long Lines, double AgainSeconds)> BillAsync(string file, BillingOptions billing)
    {
        var options = new DbContextOptionsBuilder<TokenConsoleDbContext>().UseSqlite($"Data Source={file}").Options;
        var factory = new Factory(options);
        // 02:00 UTC on 1 December is 10:00 in Beijing: the month has ended, as at the scheduler's 00:10.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 2, 0, 0, TimeSpan.Zero));
        var collection = new ServiceCollection().AddLogging();
        collection.AddAuthorizationBuilder().AddConsolePolicies();
        await using var services = collection.BuildServiceProvider();
        var writer = new AuditedWriter(factory, services.GetRequiredService<Microsoft.AspNetCore.Authorization.IAuthorizationService>(), clock, NullLogger<AuditedWriter>.Instance);
        using var recognizer = new FeeRecognizer(factory, new FeeRevenueStore(), clock, Options.Create(billing), NullLogger<FeeRecognizer>.Instance);
        using var service = new BillRunService(factory, writer, new SqlBillStore(), recognizer, clock, Options.Create(billing), NullLogger<BillRunService>.Instance);

        var watch = Stopwatch.StartNew();
        var result = await service.RunAsSystemAsync(Month);
        var seconds = watch.Elapsed.TotalSeconds;
        watch.Restart();
        var again = await service.RunAsSystemAsync(Month);
        var againSeconds = watch.Elapsed.TotalSeconds;
        if (again.BillsIssued != result.BillsIssued)
        {
            throw new InvalidOperationException($"Running {Month} again changed the bills issued: {result.BillsIssued} → {again.BillsIssued}.");
        }
        await using var db = factory.CreateDbContext();
        var lines = await db.BillLines.Join(db.Bills.Where(b => b.Period == Month.Period), l => l.BillId, b => b.Id, (l, b) => l.Id).LongCountAsync();
        return (seconds, result.BillsIssued, lines, againSeconds);
    }

    private sealed record Expected(int Customers, long UsageRows, long FeeRows, long TopUps, long Credits, long LateGroups,
        Dictionary<int, List<long>> LinesFen, int Bills, long TotalFen, long ExactMicros);

    /// <summary>
    /// What the bills must be, from the data alone (before the run applies the credit notes): per customer a line per
    /// package's fees, per top-up sold in the month, per model's usage charges (this month's from the baseline, the
    /// month before's usage that arrived after its bill — whose bills hold fee lines only, so all of it is late) and
    /// per approved credit note; a bill for each customer with a line not zero.
    /// </summary>
    private static Expected Expect(string file)
    {
        using var connection = new SqliteConnection($"Data Source={file};Pooling=False;Mode=ReadOnly");
        connection.Open();
        var lines = new Dictionary<int, List<long>>();
        long exact = 0;
        void Add(int customer, long micros)
        {
            if (!lines.TryGetValue(customer, out var list))
            {
                lines[customer] = list = [];
            }
            list.Add((long)(Money.ToFen(micros) * 100));
            exact += micros;
        }
        var (start, end) = (Month.StartUtc.Ticks, Month.EndUtc.Ticks);
        var (previousStart, previousEnd) = (Month.Previous.StartUtc.Ticks, Month.Previous.EndUtc.Ticks);
        var fees = Rows(connection, $"SELECT CustomerId, SUM(FeeMicros) FROM RevenueDaily WHERE Day >= {start} AND Day < {end} AND PackageId <> 0 AND FeeMicros <> 0 GROUP BY CustomerId, PackageId", Add);
        var topUps = Rows(connection, $"SELECT CustomerId, PriceFen * 10000 FROM AllowanceBuckets WHERE Kind = 'TopUp' AND PeriodStart >= {start} AND PeriodStart < {end}", Add);
        Rows(connection, $"SELECT CustomerId, SUM(RevenueMicros) FROM CustomerDailyUsage WHERE Day >= {start} AND Day < {end} GROUP BY CustomerId, ModelId HAVING SUM(RevenueMicros) <> 0", Add);
        var late = Rows(connection, $"SELECT CustomerId, SUM(RevenueMicros) FROM CustomerDailyUsage WHERE Day >= {previousStart} AND Day < {previousEnd} GROUP BY CustomerId, ModelId HAVING SUM(RevenueMicros) <> 0", Add);
        var credits = Rows(connection, "SELECT CustomerId, -AmountFen * 10000 FROM CreditNotes WHERE Status = 'Approved' AND AppliedOnBillId IS NULL", Add);
        var billed = lines.Where(l => l.Value.Any(f => f != 0)).ToList();
        return new Expected(
            (int)Scalar(connection, "SELECT COUNT(*) FROM Customers"),
            Scalar(connection, $"SELECT COUNT(*) FROM CustomerDailyUsage WHERE Day >= {start} AND Day < {end}"),
            fees == 0 ? 0 : Scalar(connection, $"SELECT COUNT(*) FROM RevenueDaily WHERE Day >= {start} AND Day < {end} AND FeeMicros <> 0"),
            topUps, credits, late, lines, billed.Count, billed.Sum(l => l.Value.Sum()), exact);
    }

    /// <summary>The bills issued against <paramref name="expected"/>; throws on the first difference.</summary>
    private static void Check(string file, Expected expected, Dictionary<(int Customer, int Model), long> baseline)
    {
        using var connection = new SqliteConnection($"Data Source={file};Pooling=False;Mode=ReadOnly");
        connection.Open();
        // The baseline's own sums priced the same usage lines as the data's: the two aggregations agree.
        var usageFen = baseline.Values.Where(m => m != 0).Sum(m => (long)(Money.ToFen(m) * 100));
        var bills = Scalar(connection, $"SELECT COUNT(*) FROM Bills WHERE Period = {Month.Period}");
        var total = Scalar(connection, $"SELECT COALESCE(SUM(TotalFen), 0) FROM Bills WHERE Period = {Month.Period}");
        var lineTotal = Scalar(connection, $"SELECT COALESCE(SUM(l.AmountFen), 0) FROM BillLines l JOIN Bills b ON b.Id = l.BillId WHERE b.Period = {Month.Period}");
        var usageLines = Scalar(connection, $"SELECT COALESCE(SUM(l.AmountFen), 0) FROM BillLines l JOIN Bills b ON b.Id = l.BillId WHERE b.Period = {Month.Period} AND l.Kind = 'Usage'");
        var split = Scalar(connection, $"SELECT COUNT(*) FROM Bills WHERE Period = {Month.Period} AND NetFen + TaxFen <> TotalFen");
        var applied = Scalar(connection, "SELECT COUNT(*) FROM CreditNotes WHERE Status = 'Applied' AND AppliedOnBillId IS NOT NULL");
        var problems = new List<string>();
        if (bills != expected.Bills)
        {
            problems.Add($"{bills} bills issued, {expected.Bills} customers with something to bill");
        }
        if (total != expected.TotalFen)
        {
            problems.Add($"bill totals {total} fen, the data's lines {expected.TotalFen} fen");
        }
        if (lineTotal != total)
        {
            problems.Add($"the lines add up to {lineTotal} fen, the totals to {total}");
        }
        if (usageLines != usageFen)
        {
            problems.Add($"usage lines {usageLines} fen, the baseline's sums {usageFen} fen");
        }
        if (split != 0)
        {
            problems.Add($"{split} bills whose net + VAT is not their total");
        }
        if (applied != expected.Credits)
        {
            problems.Add($"{applied} credit notes applied of {expected.Credits}");
        }
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("The bill run's result is wrong: " + string.Join("; ", problems));
        }
    }

    private static long Rows(SqliteConnection connection, string sql, Action<int, long> each)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        long count = 0;
        while (reader.Read())
        {
            each(reader.GetInt32(0), reader.GetInt64(1));
            count++;
        }
        return count;
    }

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private sealed class Factory(DbContextOptions<TokenConsoleDbContext> options) : IDbContextFactory<TokenConsoleDbContext>
    {
        public TokenConsoleDbContext CreateDbContext() => new(options);
    }
}
