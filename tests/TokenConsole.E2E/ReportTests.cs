using Microsoft.Playwright;
using MiniExcelLibs;
using TokenConsole.Features.Reports;

namespace TokenConsole.E2E;

[Collection(ConsoleServerCollection.Name)]
public sealed class ReportTests(ConsoleServer server)
{
    private static ReportPeriod LastMonth => ReportPeriod.LastMonth(DateTimeOffset.UtcNow);

    private static async Task WaitForChartsAsync(IPage page)
    {
        await page.GetByTestId("report-tokens-chart").Locator("svg .apexcharts-series path").First.WaitForAsync();
        await page.GetByTestId("report-revenue-chart").Locator("svg .apexcharts-series path").First.WaitForAsync();
        await page.GetByTestId("margin-heatmap").Locator("svg .apexcharts-heatmap-rect").First.WaitForAsync();
    }

    /// <summary>A part of the full page at its real size, to look at the details a whole-page screenshot shrinks away.</summary>
    private static Task<byte[]> ClipAsync(IPage page, string name, int top, int height) =>
        page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = Path.Combine(ConsoleServer.ScreenshotFolder, name + ".png"), FullPage = true,
            Clip = new Clip { X = 0, Y = top, Width = page.ViewportSize!.Width, Height = height },
        });

    [Fact]
    public async Task An_executive_opens_last_month_switches_to_Chinese_and_downloads_the_workbook()
    {
        var page = await server.NewPageAsync(1440, 900);
        await page.SignInAsync("exec", server.DemoPassword);
        var messages = new List<string>();
        page.Console += (_, m) => messages.Add(m.Text);
        await page.GotoAsync("/reports");
        try
        {
            await page.WaitForInteractiveAsync();
        }
        catch (TimeoutException)
        {
            await page.ScreenshotAsync("report-debug");
            throw new InvalidOperationException(string.Join("\n", messages));
        }

        // Last month is where the report opens, compared with the month before it.
        await Assertions.Expect(page.GetByTestId("period-compare")).ToContainTextAsync(LastMonth.From.ToString("d MMM yyyy", System.Globalization.CultureInfo.InvariantCulture));
        Assert.NotEqual("¥0", await page.GetByTestId("report-kpi-revenue-value").InnerTextAsync());
        await WaitForChartsAsync(page);
        Assert.True(await page.GetByTestId("table-regions").Locator("tbody tr").CountAsync() >= 20);
        await page.ScreenshotAsync("report-exec");
        await ClipAsync(page, "report-exec-top", 0, 1150);
        await ClipAsync(page, "report-exec-tables", 1100, 1000);
        // Revenue by kind (fees, usage, top-ups, credits) with breakage and ARPU, under the one-line definition.
        await Assertions.Expect(page.GetByTestId("revenue-definition").First).ToContainTextAsync("Revenue = fees spread over the days they cover");
        await page.GetByTestId("table-revenue").ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(ConsoleServer.ScreenshotFolder, "report-revenue-split.png") });

        await page.GetByTestId("language-switch").ClickAsync();
        await page.GetByTestId("language-zh").ClickAsync();
        await page.GetByText("经营报告").First.WaitForAsync();
        await page.WaitForInteractiveAsync();
        await WaitForChartsAsync(page);
        Assert.Matches("[万亿]$", await page.GetByTestId("report-kpi-tokens-value").InnerTextAsync());
        await page.ScreenshotAsync("report-exec-zh");
        await ClipAsync(page, "report-exec-zh-top", 0, 1150);
        await page.GetByTestId("table-revenue").ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(ConsoleServer.ScreenshotFolder, "report-revenue-split-zh.png") });
        await ClipAsync(page, "report-exec-zh-heatmap", 2000, 1300);

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export-xlsx").ClickAsync());
        Assert.Equal($"tokenconsole-report-{LastMonth.FileStem}.xlsx", download.SuggestedFilename);
        var path = await download.PathAsync();
        Assert.Equal(["汇总", "收入构成", "每日", "地区", "行业", "客群", "模型", "套餐", "毛利", "头部客户"], MiniExcel.GetSheetNames(path));
        var daily = MiniExcel.Query(path, useHeaderRow: true, sheetName: "每日", excelType: ExcelType.XLSX).ToList();
        Assert.Equal(LastMonth.Days, daily.Count);

        // The same report on a phone.
        var phone = await server.NewPageAsync(390, 844, storageState: await page.Context.StorageStateAsync());
        await phone.GotoAsync("/reports");
        await phone.WaitForInteractiveAsync();
        await WaitForChartsAsync(phone);
        await phone.ScreenshotAsync("report-exec-zh-narrow");
        await ClipAsync(phone, "report-exec-zh-narrow-top", 0, 1600);
        await phone.Context.CloseAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_print_view_has_no_console_chrome_and_prints_to_PDF()
    {
        var page = await server.NewPageAsync(1240, 900);
        await page.SignInAsync("exec", server.DemoPassword);
        await page.GotoAsync($"/reports/print?{LastMonth.Query}");
        await page.WaitForInteractiveAsync();
        await WaitForChartsAsync(page);
        Assert.Equal(0, await page.Locator(".mud-appbar, .mud-drawer").CountAsync());
        await Assertions.Expect(page.GetByTestId("print-period")).ToContainTextAsync(LastMonth.From.Year.ToString(System.Globalization.CultureInfo.InvariantCulture));

        await page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print });
        Assert.False(await page.GetByTestId("print-button").IsVisibleAsync());
        await page.ScreenshotAsync("report-print");
        await ClipAsync(page, "report-print-top", 0, 1200);
        var pdf = await page.PdfAsync(new PagePdfOptions
        {
            Path = Path.Combine(ConsoleServer.ScreenshotFolder, "report-print.pdf"), Format = "A4", PrintBackground = true,
        });
        Assert.Equal("%PDF"u8.ToArray(), pdf[..4]);
        // The whole report: several pages, not one cut-off screen.
        var pages = System.Text.RegularExpressions.Regex.Count(System.Text.Encoding.Latin1.GetString(pdf), @"/Type\s*/Page[^s]");
        Assert.InRange(pages, 3, 12);
        await page.Context.CloseAsync();
    }
}
