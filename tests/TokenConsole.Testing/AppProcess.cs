using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace TokenConsole.Testing;

/// <summary>
/// The built application started as its own operating-system process on a loopback port: for tests that kill it the hard
/// way (SIGKILL, as <c>kill -9</c>) and start it again on the same database file, and for end-to-end measurements.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);
    private readonly Process _process;

    private AppProcess(Process process, string baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    /// <summary>The process's resident memory now (its working set), in bytes.</summary>
    public long WorkingSetBytes
    {
        get
        {
            _process.Refresh();
            return _process.WorkingSet64;
        }
    }

    /// <summary>
    /// Starts the app built in <see cref="Repository.Configuration"/> and returns once <c>/health</c> answers 200;
    /// <paramref name="onOutput"/> sees its standard output lines.
    /// </summary>
    public static async Task<AppProcess> StartAsync(IReadOnlyDictionary<string, string> environment, Action<string>? onOutput = null)
    {
        var root = Repository.Root;
        var app = Path.Combine(root, "bin", Repository.Configuration, "net10.0", "TokenConsole.dll");
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
        var instance = new AppProcess(process, $"http://127.0.0.1:{port}");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var stopwatch = Stopwatch.StartNew();
        // Polling /health is the only signal a separate process gives that it is ready.
        while (stopwatch.Elapsed < StartTimeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The application exited with code {process.ExitCode} during start.");
            }
            try
            {
                using var response = await http.GetAsync(new Uri(instance.BaseUrl + "/health"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return instance;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }
            await Task.Delay(50);
        }
        await instance.DisposeAsync();
        throw new TimeoutException($"The application did not answer /health within {StartTimeout.TotalSeconds:0} s.");
    }

    /// <summary>SIGKILL: no shutdown code runs, nothing is flushed.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
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
