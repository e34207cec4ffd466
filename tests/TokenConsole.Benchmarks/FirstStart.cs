using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace TokenConsole.Benchmarks;

/// <summary>
/// First start on a fresh clone: the built application started as its own process on an empty database file, timed
/// from process start until <c>/health</c> answers 200 (migrate + seed of the full demo data set + host start-up).
/// Target (ENGINEERING.md): ≤ 15 s on this 2-core machine; with 20,000 customers (issue 14, <c>--customers 20000</c>)
/// ≤ 15 s and ≤ 400 MiB resident after the start. There is no baseline: nothing else does this work.
/// </summary>
internal static partial class FirstStart
{
    public static async Task RunAsync(int runs, int? customers = null)
    {
        Console.WriteLine($"First start ({Repository.Configuration} build, {runs} runs, fresh database each run, {(customers is { } n ? $"{n:N0}" : "the demo's")} customers)");
        Console.WriteLine("| run | until /health = 200 | migrate + seed (app log) | resident memory after the start |");
        Console.WriteLine("|---|---|---|---|");
        var totals = new List<double>();
        for (var run = 1; run <= runs; run++)
        {
            var folder = Directory.CreateTempSubdirectory("tokenconsole-firststart-").FullName;
            var databaseMs = double.NaN;
            var environment = new Dictionary<string, string> { ["ConnectionStrings__TokenConsole"] = $"Data Source={Path.Combine(folder, "first-start.db")}" };
            if (customers is { } count)
            {
                environment["Demo__Customers"] = count.ToString(CultureInfo.InvariantCulture);
            }
            var stopwatch = Stopwatch.StartNew();
            long resident;
            await using (var app = await AppProcess.StartAsync(environment,
                line => { if (DatabaseReady().Match(line) is { Success: true } m) { databaseMs = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture); } }))
            {
                totals.Add(stopwatch.Elapsed.TotalSeconds);
                resident = app.WorkingSetBytes;
            }
            Directory.Delete(folder, recursive: true);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {run} | {totals[^1]:0.00} s | {databaseMs / 1000.0:0.00} s | {resident / 1048576.0:0} MiB |"));
        }
        totals.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median {totals[totals.Count / 2]:0.00} s, worst {totals[^1]:0.00} s (target ≤ 15 s)"));
    }

    [GeneratedRegex(@"Database ready in (\d+) ms")]
    private static partial Regex DatabaseReady();
}
