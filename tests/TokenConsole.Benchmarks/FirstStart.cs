using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
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
        var root = RepositoryRoot();
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var app = Path.Combine(root, "bin", configuration, "net10.0", "TokenConsole.dll");
        if (!File.Exists(app))
        {
            throw new FileNotFoundException($"Build the application first ({app} is missing).");
        }
        Console.WriteLine($"First start ({configuration} build, {runs} runs, fresh database each run)");
        Console.WriteLine("| run | until /health = 200 | migrate + seed (app log) |");
        Console.WriteLine("|---|---|---|");
        var totals = new List<double>();
        for (var run = 1; run <= runs; run++)
        {
            var (total, database) = await StartOnceAsync(app, root);
            totals.Add(total);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {run} | {total:0.00} s | {database / 1000.0:0.00} s |"));
        }
        totals.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median {totals[totals.Count / 2]:0.00} s, worst {totals[^1]:0.00} s (target ≤ 15 s)"));
    }

    private static async Task<(double TotalSeconds, double DatabaseMs)> StartOnceAsync(string app, string root)
    {
        var folder = Directory.CreateTempSubdirectory("tokenconsole-firststart-").FullName;
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", [app])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["ConnectionStrings__TokenConsole"] = $"Data Source={Path.Combine(folder, "first-start.db")}",
                ["Urls"] = $"http://127.0.0.1:{port}",
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
            },
        };
        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var databaseMs = double.NaN;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null && DatabaseReady().Match(e.Data) is { Success: true } match)
            {
                databaseMs = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            while (stopwatch.Elapsed < TimeSpan.FromSeconds(120))
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"The application exited with code {process.ExitCode} before it answered.");
                }
                try
                {
                    using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/health"));
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        return (stopwatch.Elapsed.TotalSeconds, databaseMs);
                    }
                }
                catch (HttpRequestException)
                {
                }
                catch (TaskCanceledException)
                {
                }
                await Task.Delay(50);
            }
            throw new TimeoutException("The application did not answer /health within 120 s.");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "TokenConsole.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("TokenConsole.sln not found.");
    }

    [GeneratedRegex(@"Database ready in (\d+) ms")]
    private static partial Regex DatabaseReady();
}
