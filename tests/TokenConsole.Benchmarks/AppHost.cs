using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace TokenConsole.Benchmarks;

/// <summary>The built console started as its own process on a loopback port, for end-to-end measurements.</summary>
internal sealed class AppHost : IAsyncDisposable
{
    private readonly Process _process;

    private AppHost(Process process, string url)
    {
        _process = process;
        Url = url;
    }

    public string Url { get; }

    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "TokenConsole.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("TokenConsole.sln not found.");
    }

    public static string Configuration =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    /// <summary>Starts the app and waits until <c>/health</c> answers 200; <paramref name="onOutput"/> sees its log lines.</summary>
    public static async Task<AppHost> StartAsync(IReadOnlyDictionary<string, string> environment, Action<string>? onOutput = null)
    {
        var root = RepositoryRoot();
        var app = Path.Combine(root, "bin", Configuration, "net10.0", "TokenConsole.dll");
        if (!File.Exists(app))
        {
            throw new FileNotFoundException($"Build the application first ({app} is missing).");
        }
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", [app]) { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["Urls"] = $"http://127.0.0.1:{port}";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                onOutput?.Invoke(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var host = new AppHost(process, $"http://127.0.0.1:{port}");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < TimeSpan.FromSeconds(120))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The application exited with code {process.ExitCode} before it answered.");
            }
            try
            {
                using var response = await http.GetAsync(new Uri(host.Url + "/health"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return host;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }
            await Task.Delay(50);
        }
        await host.DisposeAsync();
        throw new TimeoutException("The application did not answer /health within 120 s.");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
