using Microsoft.Playwright;

namespace TokenConsole.E2E;

/// <summary>
/// A 400 px window (a phone) and a 1440 px one: the Models &amp; pools tabs keep the active tab in view, and neither the
/// report (margin heatmap, top customers) nor the consumption heatmap makes the page scroll sideways; the heatmap's
/// province labels stay in view. Screenshots in English and Chinese at both widths.
/// </summary>
[Collection(ConsoleServerCollection.Name)]
public sealed class NarrowWindowTests(ConsoleServer server)
{
    private const string NoSidewaysScroll = "document.documentElement.scrollWidth <= window.innerWidth + 1";

    private static async Task<IPage> OpenAsync(ConsoleServer server, int width, string culture, string path)
    {
        var page = await server.NewPageAsync(width, 860, culture == "zh-CN" ? "zh-CN" : "en-US");
        await page.SignInAsync("exec", server.DemoPassword);
        await page.GotoAsync($"/culture/set?culture={culture}&redirectUri={Uri.EscapeDataString(path)}");
        await page.WaitForInteractiveAsync();
        return page;
    }

    /// <summary>The element's box lies within the window's width.</summary>
    private static async Task AssertWithinWindowAsync(IPage page, ILocator element, string what)
    {
        var box = await element.BoundingBoxAsync() ?? throw new InvalidOperationException(what + " is not shown.");
        var width = page.ViewportSize!.Width;
        Assert.True(box.X >= -1 && box.X + box.Width <= width + 1, $"{what} is at x = {box.X:0}..{box.X + box.Width:0}, outside the {width} px window.");
    }

    [Theory]
    [InlineData("en", 400)]
    [InlineData("zh-CN", 400)]
    [InlineData("en", 1440)]
    [InlineData("zh-CN", 1440)]
    public async Task The_compute_tabs_keep_the_active_tab_in_view(string culture, int width)
    {
        var page = await OpenAsync(server, width, culture, "/compute");
        await page.GetByTestId("pools-table").WaitForAsync();
        foreach (var tab in new[] { "tab-routing", "tab-matrix", "tab-models", "tab-pools" })
        {
            // A person reaches every tab: it is in view to be tapped, and once chosen it is still in view, marked active.
            var header = page.Locator(".mud-tab").Nth(Array.IndexOf(["tab-pools", "tab-models", "tab-matrix", "tab-routing"], tab));
            await header.ScrollIntoViewIfNeededAsync();
            await header.ClickAsync();
            var active = page.Locator(".mud-tab.mud-tab-active");
            await Assertions.Expect(active).ToHaveCountAsync(1);
            await AssertWithinWindowAsync(page, active, $"The active tab ({tab})");
            Assert.True(await page.EvaluateAsync<bool>(NoSidewaysScroll), $"The compute page scrolls sideways at {width} px on {tab}.");
            if (tab == "tab-routing")
            {
                await page.ScreenshotAsync($"narrow-compute-routing-{culture}-{width}");
            }
        }
        await page.ScreenshotAsync($"narrow-compute-pools-{culture}-{width}");
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("en", 400)]
    [InlineData("zh-CN", 400)]
    [InlineData("en", 1440)]
    [InlineData("zh-CN", 1440)]
    public async Task The_report_fits_the_window(string culture, int width)
    {
        var page = await OpenAsync(server, width, culture, "/reports");
        await page.GetByTestId("margin-heatmap").Locator("svg .apexcharts-heatmap-rect").First.WaitForAsync(new() { Timeout = 30_000 });
        await page.GetByTestId("table-customers").WaitForAsync();
        Assert.True(await page.EvaluateAsync<bool>(NoSidewaysScroll), $"The report scrolls sideways at {width} px.");
        // The heatmap is drawn within the window, its last column included, and so is the top customers' box.
        await AssertWithinWindowAsync(page, page.GetByTestId("margin-heatmap").Locator("svg").First, "The margin heatmap");
        var lastCell = page.GetByTestId("margin-heatmap").Locator("rect.apexcharts-heatmap-rect").Last;
        await AssertWithinWindowAsync(page, lastCell, "The margin heatmap's last cell");
        // Its industry names are drawn whole: no label runs off the chart's left or right edge, where the chart cuts it.
        var chart = await page.GetByTestId("margin-heatmap").Locator("svg").First.BoundingBoxAsync();
        foreach (var label in await page.GetByTestId("margin-heatmap").Locator(".apexcharts-xaxis-label").AllAsync())
        {
            var box = await label.BoundingBoxAsync();
            Assert.True(box is null || (box.X >= chart!.X - 1 && box.X + box.Width <= chart.X + chart.Width + 1),
                $"The industry label '{await label.TextContentAsync()}' is cut by the chart's edge at {width} px (x = {box?.X:0}, chart from {chart!.X:0}).");
        }
        // The top customers are read without scrolling sideways: every customer's figures within the window.
        await AssertWithinWindowAsync(page, page.Locator(".tc-report-section").Filter(new() { Has = page.GetByTestId("table-customers") }), "The top customers' section");
        Assert.True(await page.GetByTestId("table-customers").EvaluateAsync<bool>("t => { const box = t.closest('.mud-table-container') || t; return box.scrollWidth <= box.clientWidth + 1; }"),
            $"The top customers' table is wider than its box at {width} px: its columns are cut off.");
        foreach (var cell in await page.GetByTestId("table-customers").Locator("tbody tr").First.Locator("td").AllAsync())
        {
            await AssertWithinWindowAsync(page, cell, "A top customer's cell");
        }
        // So are the breakdowns (regions, industries, …): no table wider than its box, its last column cut off.
        foreach (var table in new[] { "table-regions", "table-industries", "table-models", "table-packages" })
        {
            await AssertWithinWindowAsync(page, page.GetByTestId(table).Locator("tbody tr").First.Locator("td").Last, $"The last figure of {table}");
        }
        await page.EvaluateAsync("window.scrollTo(0, 0)");
        await page.ScreenshotAsync($"narrow-report-{culture}-{width}");
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("en", 400)]
    [InlineData("zh-CN", 400)]
    [InlineData("en", 1440)]
    [InlineData("zh-CN", 1440)]
    public async Task The_consumption_heatmap_keeps_its_province_labels_in_view(string culture, int width)
    {
        var page = await OpenAsync(server, width, culture, "/consumption");
        var heatmap = page.GetByTestId("heatmap");
        await Assertions.Expect(heatmap.Locator("rect.apexcharts-heatmap-rect")).ToHaveCountAsync(31 * 15, new() { Timeout = 30_000 });
        Assert.True(await page.EvaluateAsync<bool>(NoSidewaysScroll), $"The consumption page scrolls sideways at {width} px.");
        // Scrolled as far right as it goes, the province names are still there to read the rows by, and so is the last column.
        await heatmap.EvaluateAsync("e => { for (let n = e; n; n = n.parentElement) { n.scrollLeft = 10000; } }");
        await AssertWithinWindowAsync(page, heatmap.Locator(".apexcharts-yaxis-label").First, "The first province label");
        await AssertWithinWindowAsync(page, heatmap.Locator("rect.apexcharts-heatmap-rect").Last, "The heatmap's last cell");
        await page.EvaluateAsync("window.scrollTo(0, 0)");
        await page.ScreenshotAsync($"narrow-consumption-{culture}-{width}");
        await page.Context.CloseAsync();
    }
}
