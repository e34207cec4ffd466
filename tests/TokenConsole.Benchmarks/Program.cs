using TokenConsole.Benchmarks;

// dotnet run -c Release --project tests/TokenConsole.Benchmarks -- [first-start | rating | simulation] [--runs N]
var runs = args.SkipWhile(a => a != "--runs").Skip(1).Select(int.Parse).FirstOrDefault(3);
var which = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal) && !int.TryParse(a, out _)) ?? "all";

if (which is "all" or "first-start")
{
    await FirstStart.RunAsync(runs);
}

if (which is "all" or "rating")
{
    RatingBenchmark.Run(runs);
}

if (which is "all" or "simulation")
{
    await RatingBenchmark.SimulationAsync(runs);
}
