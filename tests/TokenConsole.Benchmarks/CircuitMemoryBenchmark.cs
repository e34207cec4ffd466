using System.Globalization;
using System.Net.Http.Json;
using Microsoft.Playwright;

namespace TokenConsole.Benchmarks;

/// <summary>
/// Server memory of Blazor circuits: the built application as its own process on the full demo data, and N Chromium tabs
/// held open at once on the consumption heatmap, beside the same N tabs on the near-empty not-found page (the baseline:
/// what the layout alone costs). The figure is the growth of the managed heap after a full collection, divided by N, read
/// from the app's loopback-only <c>/diagnostics/memory</c> (enabled by <c>Diagnostics:CircuitMemory</c> for this run only).
/// Target (ENGINEERING.md): ≤ 1 MiB per heatmap circuit with 200 open at once.
/// </summary>
internal static class CircuitMemoryBenchmark
{
    private sealed record Memory(long HeapBytes, int OpenCircuits);

    public static async Task RunAsync(int circuits)
    {
        var folder = Directory.CreateTempSubdirectory("tokenconsole-circuits-").FullName;
        try
        {
            await using var app = await AppProcess.StartAsync(new Dictionary<string, string>
            {
                ["ConnectionStrings__TokenConsole"] = $"Data Source={Path.Combine(folder, "circuits.db")}",
                ["Diagnostics__CircuitMemory"] = "true",
            });
            using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl), Timeout = TimeSpan.FromMinutes(2) };
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = "/usr/bin/chromium",
                Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-renderer-backgrounding"],
            });
            var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = app.BaseUrl, ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
            await SignInAsync(context);

            Console.WriteLine($"Circuit memory ({Repository.Configuration} build, full demo data, {circuits} tabs open at once)");
            Console.WriteLine("| page | circuits open | managed heap growth | per circuit |");
            Console.WriteLine("|---|---|---|---|");
            var baseline = await MeasureAsync(http, context, "/not-found", circuits, page => page.Locator("[data-interactive='true']").WaitForAsync());
            var heatmap = await MeasureAsync(http, context, "/consumption", circuits, async page =>
            {
                await page.Locator("[data-interactive='true']").WaitForAsync();
                await Assertions.Expect(page.GetByTestId("heatmap").Locator("rect.apexcharts-heatmap-rect")).ToHaveCountAsync(31 * 15, new() { Timeout = 120_000 });
            });
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"heatmap circuit {heatmap / 1024.0:0} KiB, empty-page circuit {baseline / 1024.0:0} KiB, the heatmap's own share {(heatmap - baseline) / 1024.0:0} KiB (target ≤ 1 MiB per circuit)"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task SignInAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/login");
        await page.GetByTestId("login-username").FillAsync("exec");
        await page.GetByTestId("login-password").FillAsync(Environment.GetEnvironmentVariable("Demo__Password") ?? "TokenOffice-2026");
        await page.GetByTestId("login-submit").ClickAsync();
        await page.Locator("[data-interactive='true']").WaitForAsync();
        await page.CloseAsync(new PageCloseOptions { RunBeforeUnload = true });
    }

    /// <summary>Opens <paramref name="count"/> tabs on <paramref name="path"/>, returns the heap growth per open circuit, then closes them.</summary>
    private static async Task<double> MeasureAsync(HttpClient http, IBrowserContext context, string path, int count, Func<IPage, Task> ready)
    {
        // Warm-up: what the first visit caches once for everyone (compiled queries, component metadata) is not per circuit.
        foreach (var warmUp in await OpenAsync(context, path, 2, ready))
        {
            await warmUp.CloseAsync(new PageCloseOptions { RunBeforeUnload = true });
        }
        var before = await SettledAsync(http, 0);
        var pages = await OpenAsync(context, path, count, ready);
        var open = await SettledAsync(http, count);
        var perCircuit = (open.HeapBytes - before.HeapBytes) / (double)open.OpenCircuits;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {path} | {open.OpenCircuits} | {(open.HeapBytes - before.HeapBytes) / 1048576.0:0.0} MiB | {perCircuit / 1024.0:0} KiB |"));
        foreach (var page in pages)
        {
            // Closing runs the page's unload, which tells the server to end the circuit now rather than keep it for a reconnect.
            await page.CloseAsync(new PageCloseOptions { RunBeforeUnload = true });
        }
        return perCircuit;
    }

    private static async Task<List<IPage>> OpenAsync(IBrowserContext context, string path, int count, Func<IPage, Task> ready)
    {
        var pages = new List<IPage>();
        // A few tabs at a time: 200 first renders at once would only measure a queue.
        foreach (var chunk in Enumerable.Range(0, count).Chunk(4))
        {
            pages.AddRange(await Task.WhenAll(chunk.Select(async _ =>
            {
                var page = await context.NewPageAsync();
                await page.GotoAsync(path);
                await ready(page);
                return page;
            })));
        }
        return pages;
    }

    /// <summary>Waits until the server counts <paramref name="circuits"/> open circuits, then reads the heap.</summary>
    private static async Task<Memory> SettledAsync(HttpClient http, int circuits)
    {
        for (var attempt = 0; ; attempt++)
        {
            var memory = (await http.GetFromJsonAsync<Memory>("/diagnostics/memory"))!;
            if (memory.OpenCircuits == circuits || attempt == 60)
            {
                return memory;
            }
            await Task.Delay(1000);
        }
    }
}
