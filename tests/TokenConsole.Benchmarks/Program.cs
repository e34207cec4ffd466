using TokenConsole.Benchmarks;

// dotnet run -c Release --project tests/TokenConsole.Benchmarks -- [first-start] [--runs N]
var runs = args.SkipWhile(a => a != "--runs").Skip(1).Select(int.Parse).FirstOrDefault(3);
var which = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal) && !int.TryParse(a, out _)) ?? "all";

if (which is "all" or "first-start")
{
    await FirstStart.RunAsync(runs);
}
