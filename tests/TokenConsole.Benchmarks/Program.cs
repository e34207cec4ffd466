using TokenConsole.Benchmarks;

// dotnet run -c Release --project tests/TokenConsole.Benchmarks -- [first-start|ingestion|heatmap|rating|simulation|circuits|customer-search|bill-run|two-instances|all] [--customers N] [--subscriptions N] [--batch N] [--db PATH] [--runs N] [--events N] [--binding native|plain] [--ids uuid|sequential] [--prefill N] [--provider sqlite|postgresql] [--history-days N] [--hourly-days N] [--hourly-rows-per-hour N] [--models-per-customer-day N] [--rows-per-hour N] [--days N] [--baseline-days N]
string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
var runs = int.Parse(Option("--runs") ?? "3", System.Globalization.CultureInfo.InvariantCulture);
var which = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal) && !int.TryParse(a, out _)) ?? "all";

if (which is "all" or "first-start")
{
    await FirstStart.RunAsync(runs, Option("--customers") is { } customers ? int.Parse(customers, System.Globalization.CultureInfo.InvariantCulture) : null);
}
if (which is "all" or "ingestion")
{
    // --binding plain: the writer binds through SQLitePCL alone (Ingestion:NativeBinding=false), to compare the two paths.
    await IngestionBenchmark.RunAsync(int.Parse(Option("--events") ?? "300000", System.Globalization.CultureInfo.InvariantCulture),
        nativeBinding: (Option("--binding") ?? "native") switch
        {
            "native" => true,
            "plain" => false,
            var other => throw new ArgumentException($"--binding is native or plain, not '{other}'."),
        },
        // Real shapes by default (issue 14): UUID ids, and a second run with 20M events already stored.
        ids: TokenConsole.LoadGen.LoadOptions.ParseIds(Option("--ids")),
        prefill: long.Parse(Option("--prefill") ?? "20000000", System.Globalization.CultureInfo.InvariantCulture),
        // --provider postgresql: the console on PostgreSQL (a local server, TC_TEST_POSTGRES as for the tests), issue 15.
        postgres: (Option("--provider") ?? "sqlite").Equals("postgresql", StringComparison.OrdinalIgnoreCase));
}
if (which is "two-instances")
{
    // Not in "all": it needs a PostgreSQL server (TC_TEST_POSTGRES, as for the tests), issue 15.
    await TwoInstancesBenchmark.RunAsync(int.Parse(Option("--events") ?? "400000", System.Globalization.CultureInfo.InvariantCulture));
}
if (which is "all" or "heatmap")
{
    // The shapes real traffic leaves (issue 14): three years of daily rollups, a year of hourly rollups at the load
    // generator's density. --db PATH keeps the generated database (minutes to write) and reuses it while the shape is the same.
    // --provider postgresql: the same shape and reads on PostgreSQL (issue 15; the server TC_TEST_POSTGRES names, as for the
    // tests), in a throw-away database, or with --db NAME in a database of that name kept on the server and reused.
    int Number(string name, int fallback) => Option(name) is { } value ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : fallback;
    var shape = new RollupShape(HistoryDays: Number("--history-days", 1095), HourlyDays: Number("--hourly-days", 365),
        HourlyRowsPerHour: Number("--hourly-rows-per-hour", 5000), Customers: Number("--customers", 2000), ModelsPerCustomerDay: Number("--models-per-customer-day", 3));
    await HeatmapBenchmark.RunAsync(shape, Number("--events", 0), Number("--runs", 30), Option("--db"),
        TokenConsole.Data.DatabaseProviders.Parse(Option("--provider")));
}
if (which is "all" or "rating")
{
    RatingBenchmark.Run(runs);
}
if (which is "all" or "simulation")
{
    // Issue 14: real rollup density. --db PATH keeps the generated database (32M rows, minutes to build) for the next run.
    await SimulationBenchmark.RunAsync(runs, int.Parse(Option("--rows-per-hour") ?? "15000", System.Globalization.CultureInfo.InvariantCulture),
        int.Parse(Option("--days") ?? "90", System.Globalization.CultureInfo.InvariantCulture),
        int.Parse(Option("--baseline-days") ?? "3", System.Globalization.CultureInfo.InvariantCulture), Option("--db"));
}
if (which is "all" or "circuits")
{
    await CircuitMemoryBenchmark.RunAsync(int.Parse(Option("--circuits") ?? "200", System.Globalization.CultureInfo.InvariantCulture));
}
if (which is "customer-search")
{
    // Not in "all": it builds a 1,000,000-customer database of its own (issue 13's search target).
    // --db PATH keeps that database file and reuses it on the next run (filling 1,000,000 customers takes minutes).
    await CustomerSearchBenchmark.RunAsync(int.Parse(Option("--customers") ?? "1000000", System.Globalization.CultureInfo.InvariantCulture), Option("--db"));
}
if (which is "bill-run")
{
    // Not in "all": it builds a database of its own with 200,000 subscriptions and a month of their usage (issue 13's
    // bill-run target). --db PATH keeps that file and reuses it (generating it takes minutes); each run bills a copy.
    await BillRunBenchmark.RunAsync(int.Parse(Option("--subscriptions") ?? "200000", System.Globalization.CultureInfo.InvariantCulture), Option("--db"),
        int.Parse(Option("--runs") ?? "1", System.Globalization.CultureInfo.InvariantCulture),
        Option("--batch") is { } batch ? int.Parse(batch, System.Globalization.CultureInfo.InvariantCulture) : null);
}
