using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace TokenConsole.Benchmarks;

/// <summary>
/// First start on a fresh clone: the built application started as its own process on an empty database file, timed
/// from process start until <c>/health</c> answers 200 (migrate + seed of the full demo data set + host start-up).
/// Target (ENGINEERING.md): ≤ 15 s on this 2-core machine. There is no baseline: nothing else does this work.
/// </summary>
internal static partial class FirstStart
{
    public static async Task RunAsync(int runs)
    {
        Console.WriteLine($"First start ({Repository.Configuration} build, {runs} runs, fresh database each run)");
        Console.WriteLine("| run | until /health = 200 | migrate + seed (app log) |");
        Console.WriteLine("|---|---|---|");
        var totals = new List<double>();
        for (var run = 1; run <= runs; run++)
        {
            var folder = Directory.CreateTempSubdirectory("tokenconsole-firststart-").FullName;
            var databaseMs = double.NaN;
            var stopwatch = Stopwatch.StartNew();
            await using (await AppProcess.StartAsync(
                new Dictionary<string, string> { ["ConnectionStrings__TokenConsole"] = $"Data Source={Path.Combine(folder, "first-start.db")}" },
                line => { if (DatabaseReady().Match(line) is { Success: true } m) { databaseMs = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture); } }))
            {
                totals.Add(stopwatch.Elapsed.TotalSeconds);
            }
            Directory.Delete(folder, recursive: true);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {run} | {totals[^1]:0.00} s | {databaseMs / 1000.0:0.00} s |"));
        }
        totals.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median {totals[totals.Count / 2]:0.00} s, worst {totals[^1]:0.00} s (target ≤ 15 s)"));
    }

    [GeneratedRegex(@"Database ready in (\d+) ms")]
    private static partial Regex DatabaseReady();
}
