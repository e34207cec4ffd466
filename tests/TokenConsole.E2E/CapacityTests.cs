using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using TokenConsole.Data;
using TokenConsole.Features.Compute;
using TokenConsole.Localization;

namespace TokenConsole.E2E;

[Collection(ConsoleServerCollection.Name)]
public sealed class CapacityTests(ConsoleServer server)
{
    [Fact]
    public async Task An_executive_sees_pool_load_model_oversubscription_and_the_alert_bell_on_the_demo_data()
    {
        var ct = TestContext.Current.CancellationToken;
        CapacityOverview day, week;
        IReadOnlyList<ComputeAlert> alerts;
        using (var scope = server.Services.CreateScope())
        {
            var capacity = scope.ServiceProvider.GetRequiredService<CapacityService>();
            day = await capacity.GetAsync(CapacityPeriod.Day, ct);
            week = await capacity.GetAsync(CapacityPeriod.Week, ct);
            alerts = await scope.ServiceProvider.GetRequiredService<ComputeAlerts>().GetAsync(ct);
        }
        await File.WriteAllTextAsync(Path.Combine(ConsoleServer.ScreenshotFolder, "capacity-figures.txt"), Figures(day, alerts), ct);
        // The demo data must make the page worth reading: some alerts, not every pool or model in the red.
        Assert.NotEmpty(alerts);
        Assert.Contains(day.Pools, p => p.Band != LoadBand.Red);

        using var errors = new ErrorLog();
        server.Services.GetRequiredService<ILoggerFactory>().AddProvider(errors);
        var page = await server.NewPageAsync();
        await page.SignInAsync("exec", server.DemoPassword);
        await page.GetByTestId("nav-capacity").ClickAsync();
        await page.WaitForURLAsync("**/compute/capacity");

        var pools = page.GetByTestId("capacity-pools").Locator("tbody tr");
        await Assertions.Expect(pools).ToHaveCountAsync(day.Pools.Count);
        var busiest = day.Pools.MaxBy(p => p.Utilisation)!;
        var busiestRow = pools.Filter(new() { HasText = busiest.Pool.Code });
        await Assertions.Expect(busiestRow).ToContainTextAsync(Display.Percent(busiest.Utilisation, CultureInfo.GetCultureInfo("en")));
        await Assertions.Expect(busiestRow.GetByTestId("pool-utilisation")).ToHaveAttributeAsync("data-band", busiest.Band.ToString());

        var models = page.GetByTestId("capacity-models").Locator("tbody tr");
        await Assertions.Expect(models).ToHaveCountAsync(day.Models.Count);
        var worst = day.Models.OrderByDescending(m => m.Ratio).First();
        await Assertions.Expect(models.First).ToContainTextAsync(worst.Model.Name);
        await Assertions.Expect(page.GetByTestId("capacity-threshold")).ToContainTextAsync("3.0×");
        // The list folds after four alerts; the button shows the rest.
        await Assertions.Expect(page.GetByTestId("capacity-alert")).ToHaveCountAsync(Math.Min(4, alerts.Count));
        if (alerts.Count > 4)
        {
            await page.GetByTestId("capacity-alerts-more").ClickAsync();
            await Assertions.Expect(page.GetByTestId("capacity-alert")).ToHaveCountAsync(alerts.Count);
        }
        await page.GetByTestId("capacity-chart").Locator("svg .apexcharts-bar-series path").First.WaitForAsync();
        await page.ScreenshotAsync("capacity-exec");

        // A longer period reads its own busiest hour.
        await page.WaitForInteractiveAsync();
        await page.GetByTestId("period-Week").ClickAsync();
        var weekBusiest = week.Pools.MaxBy(p => p.PeakTokensPerSecond)!;
        await Assertions.Expect(pools.Filter(new() { HasText = weekBusiest.Pool.Code }))
            .ToContainTextAsync(Display.Number(weekBusiest.PeakTokensPerSecond, CultureInfo.GetCultureInfo("en")));

        // The bell counts the alerts and lists each, leading to this page.
        await Assertions.Expect(page.GetByTestId("alert-count")).ToContainTextAsync(alerts.Count.ToString(CultureInfo.InvariantCulture));
        await page.GetByTestId("alert-bell").Locator("button").First.ClickAsync();
        var items = page.GetByTestId("alert-item");
        await Assertions.Expect(items).ToHaveCountAsync(alerts.Count);
        await Assertions.Expect(items.First).ToHaveAttributeAsync("href", "/compute/capacity");
        await page.ScreenshotAsync("capacity-alert-menu");
        await page.Keyboard.PressAsync("Escape");

        // The approver of a package in review sees which models its launch would push beyond the threshold (not confirmed:
        // the other browser tests share the data).
        int energy;
        using (var scope = server.Services.CreateScope())
        {
            await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<TokenConsoleDbContext>>().CreateDbContextAsync(ct);
            energy = await db.Packages.Where(p => p.Code == "ENT-ENERGY").Select(p => p.Id).SingleAsync(ct);
        }
        await page.GotoAsync($"/packages/{energy}");
        await page.WaitForInteractiveAsync();
        await page.GetByTestId("action-activate").ClickAsync();
        var warnings = page.GetByTestId("activate-warning");
        await Assertions.Expect(warnings.Filter(new() { HasText = "Qwen-Max from" })).ToHaveCountAsync(1);
        await Assertions.Expect(warnings.Filter(new() { HasText = "DeepSeek-R1 from" })).ToHaveCountAsync(1);
        await page.ScreenshotAsync("capacity-activation-warning");
        await page.Keyboard.PressAsync("Escape");

        await page.GotoAsync("/culture/set?culture=zh-CN&redirectUri=%2Fcompute%2Fcapacity");
        await page.WaitForInteractiveAsync();
        await Assertions.Expect(page.GetByText("售出承诺与部署容量对比")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("capacity-models").Locator("tbody tr")).ToHaveCountAsync(day.Models.Count);
        await page.GetByTestId("capacity-chart").Locator("svg .apexcharts-bar-series path").First.WaitForAsync();
        await page.ScreenshotAsync("capacity-zh");

        var phone = await server.NewPageAsync(400, 860, storageState: await page.Context.StorageStateAsync());
        await phone.GotoAsync("/compute/capacity");
        await phone.WaitForInteractiveAsync();
        await phone.GetByTestId("capacity-chart").Locator("svg .apexcharts-bar-series path").First.WaitForAsync();
        // Nothing wider than the phone: the tables turn into cards and the chart fits.
        var overflow = await phone.EvaluateAsync<bool>("document.documentElement.scrollWidth > window.innerWidth + 1");
        Assert.False(overflow, "The capacity page scrolls sideways on a 400 px window.");
        await phone.ScreenshotAsync("capacity-narrow");
        await phone.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ConsoleServer.ScreenshotFolder, "capacity-narrow-top.png") });
        await phone.GetByTestId("capacity-models").ScrollIntoViewIfNeededAsync();
        await phone.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ConsoleServer.ScreenshotFolder, "capacity-narrow-models.png") });
        await phone.Context.CloseAsync();
        await page.Context.CloseAsync();
        Assert.True(errors.Entries.IsEmpty, string.Join("\n", errors.Entries));
    }

    /// <summary>Errors the server logs while the test runs (a broken circuit shows in the browser only as a yellow bar).</summary>
    private sealed class ErrorLog : ILoggerProvider, ILogger
    {
        public ConcurrentQueue<string> Entries { get; } = new();
        public ILogger CreateLogger(string categoryName) => this;
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                Entries.Enqueue(formatter(state, exception) + " " + exception);
            }
        }
        public void Dispose()
        {
        }
    }

    private static string Figures(CapacityOverview day, IReadOnlyList<ComputeAlert> alerts)
    {
        var text = new StringBuilder();
        var en = CultureInfo.InvariantCulture;
        text.AppendLine(en, $"threshold {day.Threshold}");
        foreach (var p in day.Pools)
        {
            text.AppendLine(en, $"pool {p.Pool.Code} {p.Pool.Status} capacity {p.Pool.CapacityTokensPerSecond} allocated {p.AllocatedTokensPerSecond} peak24h {p.PeakTokensPerSecond:0} util {p.Utilisation:P1} {p.Band}");
        }
        foreach (var m in day.Models.OrderByDescending(m => m.Ratio))
        {
            text.AppendLine(en, $"model {m.Model.Code} {m.Model.Status} subs {m.ActiveSubscriptions} sold {m.SoldTokensPerSecond:0} deployed {m.DeployedTokensPerSecond} ratio {m.Ratio:0.00}");
        }
        foreach (var a in alerts)
        {
            text.AppendLine(en, $"alert {a.Kind} {a.Subject} {a.Value:0.###}");
        }
        return text.ToString();
    }
}
