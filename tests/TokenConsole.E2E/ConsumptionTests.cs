using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using TokenConsole.Data;
using TokenConsole.Features.Usage.Ingestion;

namespace TokenConsole.E2E;

[Collection(ConsoleServerCollection.Name)]
public sealed class ConsumptionTests(ConsoleServer server)
{
    [Fact]
    public async Task The_heatmap_has_every_region_and_industry_a_click_opens_the_cell_and_new_usage_arrives_without_a_reload()
    {
        var page = await server.NewPageAsync(1600, 1000);
        await page.SignInAsync("ops", server.DemoPassword);
        await page.GotoAsync("/consumption");
        await page.WaitForInteractiveAsync();
        var cells = page.GetByTestId("heatmap").Locator("rect.apexcharts-heatmap-rect");
        await Assertions.Expect(cells).ToHaveCountAsync(31 * 15);
        await page.ScreenshotAsync("consumption-heatmap");

        // A manufacturing cell (industries in code order; ApexCharts draws the first series, the smallest province, at the
        // bottom and lists its cells last) opens the drill-down.
        await cells.Nth(30 * 15 + 11).ClickAsync();
        var drillDown = page.GetByTestId("drill-down-models");
        await Assertions.Expect(drillDown.Locator("tr").First).ToBeVisibleAsync();
        await page.GetByTestId("drill-down-series").Locator("svg .apexcharts-series path").First.WaitForAsync();
        await page.ScreenshotAsync("consumption-drill-down");
        await page.Keyboard.PressAsync("Escape");

        var before = await page.GetByTestId("total-tokens-value").InnerTextAsync();
        await PostLargeEventAsync();
        // The page refreshes by itself within seconds (throttled live updates), with no reload.
        await Assertions.Expect(page.GetByTestId("total-tokens-value")).Not.ToHaveTextAsync(before, new() { Timeout = 10_000 });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_heatmap_reads_Chinese_names_in_Chinese()
    {
        var page = await server.NewPageAsync();
        await page.SignInAsync("exec", server.DemoPassword);
        await page.GotoAsync("/culture/set?culture=zh-CN&redirectUri=%2Fconsumption");
        await page.WaitForInteractiveAsync();
        await Assertions.Expect(page.GetByTestId("heatmap").Locator("rect.apexcharts-heatmap-rect")).ToHaveCountAsync(31 * 15);
        await Assertions.Expect(page.GetByTestId("heatmap")).ToContainTextAsync("广东");
        await page.ScreenshotAsync("consumption-heatmap-zh");
        var cells = page.GetByTestId("heatmap").Locator("rect.apexcharts-heatmap-rect");
        await cells.Nth(30 * 15 + 11).ClickAsync();
        await page.GetByTestId("drill-down-series").Locator("svg .apexcharts-series path").First.WaitForAsync();
        await page.ScreenshotAsync("consumption-drill-down-zh");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_filters_open_their_choices_and_each_choice_reloads_the_heatmap()
    {
        var page = await server.NewPageAsync(1600, 1000);
        await page.SignInAsync("exec", server.DemoPassword);
        await page.GotoAsync("/consumption");
        await page.WaitForInteractiveAsync();
        var cells = page.GetByTestId("heatmap").Locator("rect.apexcharts-heatmap-rect");
        await Assertions.Expect(cells).ToHaveCountAsync(31 * 15);
        var allTokens = await page.GetByTestId("total-tokens-value").InnerTextAsync();

        // Closed, a filter keeps no options in the page; open, it lists them with the current one selected.
        Assert.Equal(0, await page.Locator("[role='option']").CountAsync());
        await page.GetByTestId("metric").ClickAsync();
        var metrics = page.GetByTestId("metric-options").Locator("[role='option']");
        await Assertions.Expect(metrics).ToHaveCountAsync(5);
        await Assertions.Expect(metrics.First).ToHaveAttributeAsync("aria-selected", "true");
        await page.ScreenshotAsync("consumption-filter-open");
        await metrics.Filter(new() { HasText = "Calls" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("metric")).ToHaveTextAsync("Calls");
        await Assertions.Expect(page.Locator("[role='option']")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByText("Calls · region × industry")).ToBeVisibleAsync();

        // A segment narrows the totals to its customers; clearing it brings the whole back.
        await page.GetByTestId("segment").ClickAsync();
        await page.GetByTestId("segment-options").Locator("[role='option']").Filter(new() { HasText = "Government" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("total-tokens-value")).Not.ToHaveTextAsync(allTokens);
        await Assertions.Expect(cells).ToHaveCountAsync(31 * 15);
        await page.GetByTestId("segment-clear").ClickAsync();
        await Assertions.Expect(page.GetByTestId("total-tokens-value")).ToHaveTextAsync(allTokens);

        // By key, as a select: the period list opens, moves and chooses the custom range, which shows its dates.
        await page.GetByTestId("period").FocusAsync();
        await page.Keyboard.PressAsync("ArrowDown");
        await Assertions.Expect(page.GetByTestId("period-options")).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("End");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("period")).ToHaveTextAsync("Custom range");
        await Assertions.Expect(page.GetByTestId("custom-range").First).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    private async Task PostLargeEventAsync()
    {
        await using var db = await server.Services.GetRequiredService<IDbContextFactory<TokenConsoleDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken);
        var subject = await (from s in db.Subscriptions
                             join c in db.Customers on s.CustomerId equals c.Id
                             join p in db.Packages on s.PackageId equals p.Id
                             where p.Code == "SME-BIZ"
                             select new { c.Code, c.RegionCode, c.IndustryCode }).FirstAsync(TestContext.Current.CancellationToken);
        using var client = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        client.DefaultRequestHeaders.Add("X-Api-Key", ConsoleServer.IngestionKey);
        // 4B tokens, the most two events may carry: the card shows whole billions (1,858B), so an addition under one
        // billion left it unchanged whenever the total's fraction was near the rounding edge (it failed CI once so).
        JsonObject Event() => new()
        {
            ["id"] = Guid.NewGuid().ToString(), ["timestamp"] = DateTimeOffset.UtcNow.AddSeconds(-5).ToString("O"),
            ["customer"] = subject.Code, ["package"] = "SME-BIZ", ["model"] = "deepseek-v3", ["region"] = subject.RegionCode,
            ["industry"] = subject.IndustryCode, ["inputTokens"] = UsageValidator.MaxTokensPerEvent, ["outputTokens"] = UsageValidator.MaxTokensPerEvent,
        };
        var body = new JsonObject { ["events"] = new JsonArray(Event(), Event()) };
        var response = await client.PostAsJsonAsync("/api/v1/usage/events", body, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        Assert.Contains("\"accepted\":2", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }
}
