using TokenConsole.LoadGen;

// Sends realistic usage to a running console through its ingestion API and reports throughput and latency.
// dotnet run -c Release --project tests/TokenConsole.LoadGen -- --url http://localhost:5080 --key KEY --db data/tokenconsole.db
//     [--events 200000] [--batch 5000] [--concurrency 4] [--rate 0 (events/s; 0 = as fast as it can)] [--duplicates 0.05] [--ids uuid|sequential]
try
{
    var options = LoadOptions.Parse(args);
    var report = await LoadGenerator.RunAsync(options, Console.Out, CancellationToken.None);
    Console.WriteLine(report);
    return report.Failed > 0 ? 1 : 0;
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine("usage: --url URL --key KEY --db SQLITE_FILE [--events N] [--batch N] [--concurrency N] [--rate EVENTS_PER_S] [--duplicates RATIO] [--ids uuid|sequential]");
    return 2;
}
